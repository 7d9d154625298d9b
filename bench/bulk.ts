/**
 * Shared by the bulk scenarios: rounds of one measured and one baseline run, back to back in
 * alternating order, so that both runs of a round see the same load. The figure is the median
 * of the rounds' ratios (more robust on a shared machine than a ratio of medians).
 */
import { median, round, timeMs } from './stats';

export interface BulkSamples {
  measured: number[];
  baseline: number[];
  /** measured / baseline of each round. */
  ratios: number[];
}

/**
 * `warmup` untimed rounds, then `rounds` timed rounds of both sides. Each call gets its own
 * round number (`-1, -2, ...` for warm-up), so it can write items nobody wrote before.
 */
export async function bulkRounds(options: {
  rounds: number;
  warmup: number;
  measured: (round: number) => Promise<unknown>;
  baseline: (round: number) => Promise<unknown>;
}): Promise<BulkSamples> {
  const { rounds, warmup, measured, baseline } = options;
  for (let r = 1; r <= warmup; r++) {
    await measured(-r);
    await baseline(-r);
  }
  const out: BulkSamples = { measured: [], baseline: [], ratios: [] };
  for (let r = 0; r < rounds; r++) {
    let m = 0;
    let b = 0;
    if (r % 2 === 0) {
      m = await timeMs(() => measured(r));
      b = await timeMs(() => baseline(r));
    } else {
      b = await timeMs(() => baseline(r));
      m = await timeMs(() => measured(r));
    }
    out.measured.push(m);
    out.baseline.push(b);
    out.ratios.push(m / b);
  }
  return out;
}

/** The result fields of a bulk scenario: medians of the times, median of the round ratios. */
export const bulkFigures = (samples: BulkSamples) => ({
  value: median(samples.measured),
  baseline: median(samples.baseline),
  ratio: median(samples.ratios),
  detail: {
    measured_ms: samples.measured.map((v) => round(v, 0)),
    baseline_ms: samples.baseline.map((v) => round(v, 0)),
    round_ratios: samples.ratios.map((v) => round(v, 3)),
  },
});
