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
 * leave 60 s; a 29 s console invoke leaves ~7 s).
 */
export interface Budget {
  exhausted(): boolean;
}

export function budgetFrom(remainingMs: RemainingTime, maxMarginMs = 60_000): Budget {
  const marginMs = Math.min(maxMarginMs, remainingMs() / 4);
  return { exhausted: () => remainingMs() < marginMs };
}

export const unlimited: Budget = { exhausted: () => false };

/**
 * Time in hand measured by the calls a request makes. A fixed reserve ("stop with 4 s left")
 * holds only while calls are as fast as usual: when DynamoDB answers ten times slower, the
 * calls still in flight when the request stops, and the write that records where it stopped,
 * outlast a fixed reserve. `enough(reserveMs, calls)` keeps `reserveMs` plus `calls` times the
 * slowest call timed so far, so a slow request stops correspondingly earlier. Time is read with
 * Date.now, which a test or the simulation may run.
 */
export interface Pace {
  /** Runs `fn`, timing it as one call (or one group of calls sent together). */
  time<T>(fn: () => Promise<T>): Promise<T>;
  /** Whether `reserveMs` plus `calls` of the slowest call so far are still left. */
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
    enough: (reserveMs, calls) => remainingMs() >= reserveMs + calls * slowest,
    slowestMs: () => slowest,
  };
}
