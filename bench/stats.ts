/**
 * Timing helpers. Every figure is a ratio against a baseline taken in the same run, and the
 * two are interleaved (measured, baseline, baseline, measured, ...) so that noise from other
 * processes on the machine hits both sides alike.
 */
import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (values: readonly number[]) => percentile([...values].sort((a, b) => a - b), 50);

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

/** Milliseconds `fn` takes. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs `measured` and `baseline` `n` times each, alternating which goes first (ABBA), after
 * `warmup` untimed rounds of both. `prepare` runs before each timed call, outside the timing
 * (building events, clearing state). Returns the samples in milliseconds.
 */
export async function interleaved(options: {
  n: number;
  warmup: number;
  measured: (i: number) => Promise<unknown>;
  baseline: (i: number) => Promise<unknown>;
  prepare?: (i: number) => void | Promise<void>;
}): Promise<{ measured: number[]; baseline: number[] }> {
  const { n, warmup, measured, baseline, prepare } = options;
  for (let i = 0; i < warmup; i++) {
    await prepare?.(-1 - i);
    await measured(-1 - i);
    await baseline(-1 - i);
  }
  const out = { measured: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < n; i++) {
    const order = i % 4 === 0 || i % 4 === 3 ? (['measured', 'baseline'] as const) : (['baseline', 'measured'] as const);
    for (const side of order) {
      await prepare?.(i);
      const fn = side === 'measured' ? measured : baseline;
      out[side].push(await timeMs(() => fn(i)));
    }
  }
  return out;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
