/**
 * The bench's output: one entry per scenario figure, printed as a table and written to
 * bench/results.json as `{scenario: {value, baseline, ratio, target, unit, ...}}`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { round } from './stats';

export interface Result {
  /** The measured figure, in `unit`. */
  value: number;
  /** The same-run baseline, in `unit` (null when the figure has none). */
  baseline: number | null;
  /** value / baseline (null without a baseline). */
  ratio: number | null;
  /**
   * The upper bound the issue sets, on `ratio` or on `value` (see `on`). `info`: the former
   * target on the ratio, kept as information only (the bulk wall-time ratios against DynamoDB
   * Local: the capacity model, npm run capacity, measures what matters on AWS).
   */
  target: number;
  unit: string;
  on: 'ratio' | 'value' | 'info';
  met: boolean;
  /** What was measured, in a few words. */
  note: string;
  /** Extra figures (per function, alternatives measured...). */
  detail?: Record<string, unknown>;
}

export type Results = Record<string, Result>;

export function result(fields: {
  value: number;
  baseline?: number | null;
  /** Defaults to value / baseline; given when the ratio is computed otherwise (median of paired ratios). */
  ratio?: number;
  target: number;
  unit: string;
  on: 'ratio' | 'value' | 'info';
  note: string;
  detail?: Record<string, unknown>;
}): Result {
  const baseline = fields.baseline ?? null;
  const ratio = fields.ratio !== undefined ? round(fields.ratio, 3) : baseline ? round(fields.value / baseline, 3) : null;
  const bounded = fields.on === 'ratio' ? ratio : fields.value;
  return {
    value: round(fields.value, 3),
    baseline: baseline === null ? null : round(baseline, 3),
    ratio,
    target: fields.target,
    unit: fields.unit,
    on: fields.on,
    met: fields.on === 'info' || (bounded !== null && bounded <= fields.target),
    note: fields.note,
    ...(fields.detail ? { detail: fields.detail } : {}),
  };
}

const fmt = (v: number | null) => (v === null ? '-' : String(v));

export function formatTable(results: Results): string {
  const rows = Object.entries(results).map(([name, r]) => [
    name,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline === null ? '-' : `${fmt(r.baseline)} ${r.unit}`,
    fmt(r.ratio),
    r.on === 'info' ? `info (was ratio <= ${r.target})` : `${r.on === 'ratio' ? 'ratio' : 'value'} <= ${r.target}`,
    r.on === 'info' ? '-' : r.met ? 'yes' : 'NO',
  ]);
  const header = ['scenario', 'value', 'baseline', 'ratio', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function writeResults(path: string, results: Results): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
