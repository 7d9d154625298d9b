/**
 * The one backoff formula: full-jitter exponential backoff (a random pause between 0 and
 * min(cap, base * 2^attempt)), so a crowd of writers that collided does not retry in lockstep.
 * Hand-written rather than a library: it is two lines, and the retry decision (which errors,
 * what to throw when out of attempts) differs per caller, which `withRetry` takes as options.
 */
export interface Backoff {
  /** First pause ceiling in ms (attempt 0); doubles per attempt. Default 20. */
  baseMs?: number;
  /** Largest pause ceiling in ms. Default 1000. */
  capMs?: number;
}

export function backoffMs(attempt: number, { baseMs = 20, capMs = 1000 }: Backoff = {}): number {
  // The exponent is bounded so a long retry loop never computes Infinity.
  return Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
}

/**
 * The pause behind `sleep` (and so behind every retry and wait loop in lib/). Only the
 * simulation harness (test/sim) replaces it, to put those pauses on its virtual clock.
 */
export const timers = { sleep: (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

export const sleep = (ms: number): Promise<void> => timers.sleep(ms);

export interface RetryOptions extends Backoff {
  /** Total tries, the first included. */
  attempts: number;
  /** Whether `err` (thrown by try number `attempt`, 1-based) is worth another try. Default: always. */
  retryIf?: (err: unknown, attempt: number) => boolean;
  /** What to throw when the last try failed with a retryable error. Default: that error. */
  onExhausted?: (err: unknown) => unknown;
  /** A wall-clock bound (ms since the epoch): a try that fails at or after it is the last (a wait for a busy holder). */
  until?: number;
  /** false: the next try starts at once (an optimistic re-read, where the read itself is the wait). Default true. */
  pause?: boolean;
}

/**
 * Calls `fn(attempt)` (1-based) until it resolves, pausing `backoffMs(attempt)` between tries.
 * A non-retryable error is thrown at once; after `attempts` tries (or once `until` has come)
 * the last error (or `onExhausted(err)`) is thrown. A caller whose try fails without an error
 * (a refused take, a batch with unprocessed items) throws a retryable one of its own.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts, retryIf = () => true, onExhausted = (err: unknown) => err, until = Infinity, pause = true } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!retryIf(err, attempt)) throw err;
      if (attempt >= attempts || Date.now() >= until) throw onExhausted(err);
      if (pause) await sleep(backoffMs(attempt, options));
    }
  }
}
