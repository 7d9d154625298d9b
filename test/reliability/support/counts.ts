/**
 * What a reliability test file did, printed once at its end (afterAll) so docs/RELIABILITY.md
 * can quote the figures of the last run: requests sent through handlers, invariants checked
 * (one per assertion of a stated guarantee, e.g. "no data changed", "balance >= 0"), and
 * generated inputs tried by the property-based tests.
 */
import { afterAll } from 'vitest';

export const counts = { requests: 0, invariants: 0, inputs: 0 };

/** Counts `n` checked invariants. */
export function invariant(n = 1): void {
  counts.invariants += n;
}

/** Registers the afterAll that prints this file's figures as one JSON line. */
export function reportCounts(file: string): void {
  afterAll(() => {
    console.info(`[reliability] ${JSON.stringify({ file, ...counts })}`);
  });
}
