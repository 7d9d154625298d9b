/**
 * How long the invocation has left, the one notion of a time limit for handlers and jobs.
 * Lambda stops a function at its timeout; code that checks the time it has left stops
 * starting new work before that and ends cleanly. Outside Lambda (tests calling a handler
 * without a real context, scripts) a default deadline of `defaultTimeoutMs` from the first
 * call stands in: the HTTP functions' timeout (API Gateway gives up at 30 s).
 */
export const defaultTimeoutMs = 29_000;

export type RemainingTime = () => number;

/** Milliseconds left: the Lambda context's clock, or `defaultTimeoutMs` from now without one. */
export function remainingTimeOf(context?: { getRemainingTimeInMillis?: () => number }): RemainingTime {
  const lambda = context?.getRemainingTimeInMillis;
  if (typeof lambda === 'function') return () => lambda.call(context);
  const deadline = Date.now() + defaultTimeoutMs;
  return () => Math.max(0, deadline - Date.now());
}

/**
 * When a job stops starting new work. A job that stops a margin before its deadline ends
 * cleanly, returns its summary and leaves the rest to the next run. The margin covers the item
 * in hand: a quarter of the time the run had, at most a minute (the reconcile job's 900 s
 * leave 60 s; a 29 s console invoke leaves ~7 s), plus twice the longest stretch between two
 * checks so far (slow calls make every item longer).
 */
export interface Budget {
  exhausted(): boolean;
}

export function budgetFrom(remainingMs: RemainingTime, maxMarginMs = 60_000): Budget {
  const marginMs = Math.min(maxMarginMs, remainingMs() / 4);
  // The work between two checks is the job's unit (an item, a page): when calls are slow it
  // grows, and two of the longest so far are kept in hand besides the margin (the one in
  // flight when the budget runs out, and the summary's own calls).
  let last: number | undefined;
  let longest = 0;
  return {
    exhausted: () => {
      const now = Date.now();
      if (last !== undefined) longest = Math.max(longest, now - last);
      last = now;
      return remainingMs() < marginMs + 2 * longest;
    },
  };
}

export const unlimited: Budget = { exhausted: () => false };

/**
 * Time in hand measured by the calls a request makes. A fixed reserve ("stop with 4 s left")
 * holds only while calls are as fast as usual: when DynamoDB answers a hundred times slower, the
 * call still in flight when the request stops, and the writes that record where it stopped,
 * outlast a fixed reserve. `enough(reserveMs, calls)` keeps the larger of `reserveMs` and
 * `calls` times the slowest call timed so far (plus `paceMarginMs`), so a slow request stops
 * correspondingly earlier, and a fast one exactly as with a fixed reserve. The caller checks it
 * before every call it starts. Time is read with Date.now, which a test or the simulation may run.
 */
export const paceMarginMs = 1_000;

export interface Pace {
  /** Runs `fn`, timing it as one call (or one group of calls sent together). */
  time<T>(fn: () => Promise<T>): Promise<T>;
  /** Whether the larger of `reserveMs` and `calls` of the slowest call so far (plus a margin) is still left. */
  enough(reserveMs: number, calls: number): boolean;
  slowestMs(): number;
}

export function pace(remainingMs: RemainingTime): Pace {
  let slowest = 0;
  return {
    async time(fn) {
      const started = Date.now();
      try {
        return await fn();
      } finally {
        slowest = Math.max(slowest, Date.now() - started);
      }
    },
    enough: (reserveMs, calls) => remainingMs() >= Math.max(reserveMs, paceMarginMs + calls * slowest),
    slowestMs: () => slowest,
  };
}
