/**
 * The capacity scenarios, in the order they run, and the loop that measures them. `small`
 * runs only the scenarios marked small (npm test's budget check); `full` runs all of them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '../../scripts/serverless-yml';
import { cpuOf, drain, measure, memoryOf, type Measured, type Scenario } from './harness';
import { Meter } from './meter';
import { figures, type Budget, type Figures } from './report';
import { generateScenarios, enrollmentSingles, listCodesScenarios } from './scenarios/enrollment';
import { inventoryReads, inventoryWrites } from './scenarios/inventory';
import { eventScenarios } from './scenarios/events';
import { referenceEnrollmentScenarios } from './scenarios/reference-enrollment';
import { jobScenarios, tokenScenario } from './scenarios/other';
import { referenceScenarios } from './scenarios/reference';
import { inventoriesScenario, unitsScenarios } from './scenarios/units';

export const budgetsPath = resolve(repoRoot, 'bench', 'capacity-budgets.json');

export function scenarios(): Scenario<never>[] {
  const all: Scenario<never>[] = [
    tokenScenario,
    ...inventoryWrites,
    ...generateScenarios([
      [1, true],
      [100, true],
      [10_000, false],
    ]),
    ...enrollmentSingles,
    ...listCodesScenarios([
      [1000, true],
      [10_000, false],
      [50_000, false],
    ]),
    ...referenceEnrollmentScenarios,
    inventoriesScenario,
    ...unitsScenarios([
      [1, 1, true],
      [10, 1000, false],
      [100, 1000, false],
    ]),
    ...referenceScenarios,
    ...eventScenarios,
    ...jobScenarios,
    ...inventoryReads([1000, 10_000, 100_000]),
  ] as Scenario<never>[];
  // small ones first, then the jobs (over what those built), then the large data sets
  const jobs = all.filter((s) => jobScenarios.includes(s as Scenario<unknown>));
  return [...all.filter((s) => s.small), ...jobs, ...all.filter((s) => !s.small && !jobs.includes(s))];
}

export function readBudgets(path = budgetsPath): Record<string, Budget> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, Budget>;
}

export interface RunOptions {
  mode: 'small' | 'full';
  only?: string[];
  budgets?: Record<string, Budget>;
  /** measure handler CPU in an unmetered call too (not needed for the budget check) */
  cpu?: boolean;
  /** cap on one call; a Lambda behind API Gateway gets at most 29 s */
  capMs?: number;
  log?: (line: string) => void;
  /** each scenario's measured call, as it was measured (the budget test reads its IAM calls) */
  onMeasured?: (scenario: Scenario, measured: Measured) => void;
}

export async function runScenarios(options: RunOptions): Promise<Record<string, Figures>> {
  const { mode, budgets = {}, cpu = true, capMs = 60_000, log = () => {} } = options;
  const chosen = scenarios().filter((s) => (mode === 'full' || s.small) && (!options.only || options.only.some((o) => s.name.startsWith(o))));
  const meter = new Meter();
  meter.install();
  const results: Record<string, Figures> = {};
  const warm = new Set<string>();
  try {
    for (const scenario of chosen) {
      const started = Date.now();
      let measured: Measured;
      let cpuMs: number | undefined;
      try {
        measured = await measure(meter, scenario, (await scenario.prepare()) as never, capMs);
        // CPU of an unmetered call (the meter costs CPU too), only for calls that answered: a call
        // cut at the Lambda deadline has no meaningful CPU figure, and repeating it costs minutes
        if (cpu && typeof measured.status === 'number' && measured.status < 500) {
          let fixture = await scenario.prepare();
          // the first call of a function loads and compiles its code: not what a warm Lambda spends
          if (!warm.has(scenario.fn)) {
            await cpuOf(scenario, fixture, capMs);
            await drain(meter, capMs);
            if (!scenario.reusable) fixture = await scenario.prepare();
            warm.add(scenario.fn);
          }
          cpuMs = await cpuOf(scenario, fixture, capMs);
          await drain(meter, capMs);
        }
      } catch (err) {
        // a scenario whose data cannot be built is reported, and the others still run
        log(`${scenario.name}: ${(err as Error).message}`);
        measured = { records: [], calls: [], status: 'error', detail: `preparation failed: ${(err as Error).message.slice(0, 200)}`, wallMs: 0, peakInFlight: 0, late: 0, meterErrors: [] };
      }
      options.onMeasured?.(scenario, measured);
      results[scenario.name] = figures(scenario, measured, cpuMs, memoryOf(scenario.fn), budgets[scenario.name]);
      const f = results[scenario.name]!;
      log(
        `${scenario.name}: ${f.status} ${f.requests} requests, ${f.rounds} rounds, ${f.rcu} RCU, ${f.wru} WRU, est. ${f.aws_estimate_ms} ms ` +
          `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    meter.uninstall();
  }
  return results;
}
