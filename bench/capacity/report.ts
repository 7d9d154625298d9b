/**
 * From the metered requests of one call to the figures of bench/capacity.json: totals, rounds
 * on the critical path, the hottest partition key, and the AWS time estimate (formula and
 * sources in docs/PERFORMANCE.md, "Capacity model").
 */
import type { Measured, Scenario } from './harness';
import type { RequestRecord } from './meter';

/** A fresh on-demand table serves 4,000 write units/s; one partition 1,000 WRU/s and 3,000 RCU/s. */
export const TABLE_WRU_PER_S = 4000;
export const PARTITION_WRU_PER_S = 1000;
export const PARTITION_RCU_PER_S = 3000;
/** Assumed latency of one DynamoDB round trip from Lambda in the same region. */
export const ROUND_MS = 10;
/** Lambda allocates CPU in proportion to memory: 1,769 MB = 1 vCPU. */
export const MB_PER_VCPU = 1769;

/** The four figures a budget holds. */
export type BudgetFigure = 'requests' | 'rounds' | 'rcu' | 'wru';

/**
 * A scenario's budget. Figures fixed by the code and the data (requests, RCU, WRU of a given
 * plan) are pinned; a figure that follows wall time (the rounds parallel chunk writers span,
 * lease renewals of a long assign) gets a stated `margin` on top, with why, so a busy machine
 * cannot fail a budget the code still meets. The one exception on RCU: a read summing many
 * clock-stamped items (numbers are priced by significant digits) may get under 0.5 % of it.
 */
export interface Budget extends Record<BudgetFigure, number> {
  margin?: Partial<Record<BudgetFigure, number>> & { why: string };
}

/** The most a figure may be: the pinned budget plus its stated margin. */
export const allowed = (budget: Budget, figure: BudgetFigure): number => budget[figure] + (budget.margin?.[figure] ?? 0);

export interface Figures {
  function: string;
  status: number | 'timeout' | 'error';
  requests: number;
  rounds: number;
  rcu: number;
  wru: number;
  gsi_wru: number;
  items_read: number;
  items_returned: number;
  items_written: number;
  max_partition_wru: number;
  max_partition_wru_key: string;
  /** the hottest key's WRU over the time its writes span given the sequencing (rounds x 10 ms) */
  max_partition_wru_per_s: number;
  max_partition_rcu: number;
  max_partition_rcu_key: string;
  peak_in_flight: number;
  cpu_ms: number | null;
  aws_estimate_ms: number;
  /** which term of the estimate dominates */
  bound_by: string;
  local_wall_ms: number;
  by_command: Record<string, number>;
  budget: Budget | null;
  met: boolean | null;
  /** what a careful design must at least spend (Scenario.minimum) */
  minimum: (Budget & { why: string }) | null;
  /** (RCU + WRU) / the minimum's (RCU + WRU) */
  units_vs_minimum: number | null;
  note: string;
  detail?: string;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** Depth of each request: 1 + the deepest request that completed before it started. */
export function depths(records: RequestRecord[]): number[] {
  const order = records.map((_, i) => i).sort((a, b) => records[a]!.start - records[b]!.start);
  const depth = new Array<number>(records.length).fill(0);
  const done: number[] = []; // indexes, in start order, already given a depth
  for (const i of order) {
    let d = 0;
    for (const j of done) if (records[j]!.end <= records[i]!.start) d = Math.max(d, depth[j]!);
    depth[i] = d + 1;
    done.push(i);
  }
  return depth;
}

export function figures(scenario: Scenario, measured: Measured, cpuMs: number | undefined, memoryMb: number, budget: Budget | undefined): Figures {
  const { records } = measured;
  const depth = depths(records);
  const rounds = depth.reduce((m, d) => Math.max(m, d), 0);
  const partitions = new Map<string, { rcu: number; wru: number; first: number; last: number }>();
  const byCommand: Record<string, number> = {};
  const sum = { rcu: 0, wru: 0, gsi: 0, read: 0, returned: 0, written: 0 };
  records.forEach((r, i) => {
    byCommand[r.command] = (byCommand[r.command] ?? 0) + 1;
    sum.rcu += r.rcu;
    sum.wru += r.wru;
    sum.gsi += r.gsiWru;
    sum.read += r.itemsRead;
    sum.returned += r.itemsReturned;
    sum.written += r.itemsWritten;
    for (const [key, units] of r.partitions) {
      if (key.endsWith(':(scan)')) continue; // a Scan spreads over the whole table
      const p = partitions.get(key) ?? { rcu: 0, wru: 0, first: Infinity, last: 0 };
      p.rcu += units.rcu;
      p.wru += units.wru;
      if (units.wru > 0) {
        p.first = Math.min(p.first, depth[i]!);
        p.last = Math.max(p.last, depth[i]!);
      }
      partitions.set(key, p);
    }
  });
  let hotW = { key: '-', wru: 0 };
  let hotR = { key: '-', rcu: 0 };
  let rate = 0;
  for (const [key, p] of partitions) {
    if (p.wru > hotW.wru) hotW = { key, wru: p.wru };
    if (p.rcu > hotR.rcu) hotR = { key, rcu: p.rcu };
    if (p.wru > 0) rate = Math.max(rate, p.wru / (((p.last - p.first + 1) * ROUND_MS) / 1000));
  }
  const terms: [string, number][] = [
    ['table WRU', (sum.wru / TABLE_WRU_PER_S) * 1000],
    ['hot key WRU', (hotW.wru / PARTITION_WRU_PER_S) * 1000],
    ['hot key RCU', (hotR.rcu / PARTITION_RCU_PER_S) * 1000],
    ['rounds', rounds * ROUND_MS],
  ];
  const [boundBy, dbMs] = terms.reduce((a, b) => (b[1] > a[1] ? b : a));
  const cpuOnAws = cpuMs === undefined ? 0 : cpuMs / (memoryMb / MB_PER_VCPU);
  const total = dbMs + cpuOnAws;
  // A call that did not succeed (an error, a timeout, a 4xx/5xx) meets no budget, however little it spent.
  const succeeded = typeof measured.status === 'number' && measured.status < 300;
  const met = budget
    ? succeeded &&
      records.length <= allowed(budget, 'requests') &&
      rounds <= allowed(budget, 'rounds') &&
      sum.rcu <= allowed(budget, 'rcu') &&
      sum.wru <= allowed(budget, 'wru')
    : null;
  return {
    function: scenario.fn,
    status: measured.status,
    requests: records.length,
    rounds,
    rcu: r2(sum.rcu),
    wru: r2(sum.wru),
    gsi_wru: r2(sum.gsi),
    items_read: sum.read,
    items_returned: sum.returned,
    items_written: sum.written,
    max_partition_wru: r2(hotW.wru),
    max_partition_wru_key: hotW.key,
    max_partition_wru_per_s: Math.round(rate),
    max_partition_rcu: r2(hotR.rcu),
    max_partition_rcu_key: hotR.key,
    peak_in_flight: measured.peakInFlight,
    cpu_ms: cpuMs === undefined ? null : r2(cpuMs),
    aws_estimate_ms: Math.round(total),
    bound_by: cpuOnAws > dbMs ? 'cpu' : boundBy,
    local_wall_ms: Math.round(measured.wallMs),
    by_command: byCommand,
    budget: budget ?? null,
    met,
    minimum: scenario.minimum ?? null,
    units_vs_minimum: scenario.minimum ? r2((sum.rcu + sum.wru) / Math.max(0.5, scenario.minimum.rcu + scenario.minimum.wru)) : null,
    note: scenario.note,
    ...(measured.detail || measured.meterErrors.length || measured.late
      ? { detail: [measured.detail, measured.late ? `${measured.late} requests after the window` : '', ...measured.meterErrors.slice(0, 3)].filter(Boolean).join('; ') }
      : {}),
  };
}

export function formatTable(results: Record<string, Figures>): string {
  const header = ['scenario', 'function', 'status', 'requests', 'rounds', 'RCU', 'WRU', 'hot key WRU', 'hot WRU/s', 'hot key RCU', 'peak', 'CPU ms', 'AWS est. ms', 'bound by', 'budget'];
  const rows = Object.entries(results).map(([name, f]) => [
    name,
    f.function,
    String(f.status),
    String(f.requests),
    String(f.rounds),
    String(f.rcu),
    String(f.wru),
    String(f.max_partition_wru),
    String(f.max_partition_wru_per_s),
    String(f.max_partition_rcu),
    String(f.peak_in_flight),
    f.cpu_ms === null ? '-' : String(Math.round(f.cpu_ms)),
    String(f.aws_estimate_ms),
    f.bound_by,
    f.met === null ? '-' : f.met ? 'met' : 'EXCEEDED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The table of docs/PERFORMANCE.md: figures with the minimum and the ratio beside them. */
export function formatMarkdown(results: Record<string, Figures>): string {
  const n = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 1 }));
  const lines = [
    '| scenario | function | status | requests | rounds | RCU | WRU | hot key WRU (per s) | CPU ms | AWS est. ms (bound by) | minimum req / rounds / RCU / WRU | units vs min |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, f] of Object.entries(results)) {
    const m = f.minimum;
    lines.push(
      `| ${name} | ${f.function} | ${f.status} | ${n(f.requests)} | ${n(f.rounds)} | ${n(f.rcu)} | ${n(f.wru)} | ${n(f.max_partition_wru)} (${n(f.max_partition_wru_per_s)}) | ` +
        `${f.cpu_ms === null ? '-' : n(Math.round(f.cpu_ms))} | ${n(f.aws_estimate_ms)} (${f.bound_by}) | ` +
        `${m ? `${n(m.requests)} / ${n(m.rounds)} / ${n(m.rcu)} / ${n(m.wru)}` : '-'} | ${f.units_vs_minimum === null ? '-' : `${n(f.units_vs_minimum)}x`} |`,
    );
  }
  return lines.join('\n');
}
