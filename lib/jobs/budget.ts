/**
 * When a job stops starting new work. A scheduled Lambda is killed at its timeout; a job
 * that stops a margin before it ends cleanly, returns its summary and leaves the rest to the
 * next run. The margin covers the item in hand: a quarter of the time the run had, at most a
 * minute (the reconcile job's 900 s leave 60 s; a 29 s console invoke leaves ~7 s).
 */
export interface Budget {
  exhausted(): boolean;
}

export function budgetFrom(remainingMs: () => number, maxMarginMs = 60_000): Budget {
  const marginMs = Math.min(maxMarginMs, remainingMs() / 4);
  return { exhausted: () => remainingMs() < marginMs };
}

export const unlimited: Budget = { exhausted: () => false };
