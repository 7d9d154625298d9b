/**
 * The vitest side of a surface's simulation: its own tables and containers, the faked Date,
 * and one test per combination of functions (combos() covers every pair), each running
 * `numRuns` schedules (simConfig: the default budget, or `npm run sim`'s).
 */
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import * as retry from '../../../lib/db/retry';
import { loadContainers, type Container } from './containers';
import { virtualSleep } from './runtime';
import { checkSurface, combos, phases, simConfig, type Aim, type Surface } from './sim';
import { useSimTables } from './tables';

export interface SuiteOptions {
  /** Groups of operations touching the same items: every pair within a group runs together (combos()). Default: all of the surface's. */
  groups?: string[][];
  /** Schedules per combination in `npm test` (`npm run sim -- --runs N` overrides). */
  runs: number;
  /**
   * Combinations of the surface's guarded protocols (claim + fence, list claim + list count, code
   * claim + counters): `npm test` runs each `focusRuns` schedules more, so that removing a
   * guarding condition fails within the default budget (docs/RELIABILITY.md).
   */
  focus?: (string[] | AimedFocus)[];
  focusRuns?: number;
  /** Schedules the harness found at length, replayed exactly (seed and path) on every run: named regression tests. */
  regressions?: { combo: string[]; seed: number; path: string; focused?: boolean }[];
}

/** A focused combination with its own faults (sim.ts `Aim`) and budget: `name` says which guard it is for. */
export interface AimedFocus extends Aim {
  name: string;
  combo: string[];
  runs: number;
}

export function simSuite<W>(surface: Surface<W>, options: SuiteOptions): void {
  const groups = options.groups ?? [Object.keys(surface.ops)];
  const count = new Set(groups.flatMap((g) => combos(g)).map((c) => c.join(' x '))).size + (options.focus?.length ?? 0);
  const config = simConfig(options.runs, count);
  const focusConfig = { ...simConfig(options.focusRuns ?? options.runs, count), focused: true };
  // `--only`: the combinations whose name contains it (a surface with none registers no test).
  const seen = new Set<string>();
  const focus = (options.focus ?? []).map((f) =>
    Array.isArray(f)
      ? { combo: f, config: focusConfig, what: 'focus' }
      : { combo: f.combo, config: { ...simConfig(f.runs, count), focused: true, replayName: `focus (${f.name})`, aim: { target: f.target, faults: f.faults, ...(f.noJumps ? { noJumps: true } : {}), ...(f.delays ? { delays: f.delays } : {}) } }, what: `focus (${f.name})` },
  );
  const regressions = (options.regressions ?? []).map(({ combo, seed, path, focused }) => ({
    combo,
    config: { ...config, numRuns: 1, seed, path, focused: focused ?? false },
    what: `regression (seed ${seed} path ${path})`,
  }));
  const chosen = [...groups.flatMap((g) => combos(g)).map((combo) => ({ combo, config, what: 'pairs' })), ...focus, ...regressions].filter(({ combo, what }) => {
    const name = `${what}: ${combo.join(' x ')}`;
    if (seen.has(name) || (config.only && !name.includes(config.only))) return false;
    seen.add(name);
    return true;
  });
  if (chosen.length === 0) return;
  let containers: Container[];
  let runs = 0;
  let ms = 0;
  afterAll(() => {
    console.info(`[sim] ${JSON.stringify({ surface: surface.name, runs, seconds: Math.round(ms / 100) / 10, setupSeconds: Math.round(phases.setup / 100) / 10, runSeconds: Math.round(phases.run / 100) / 10 })}`);
  });
  beforeAll(async () => {
    // `npm run sim -- --log`: the handlers' log lines (errors with their cause) for a replay.
    if (process.env.SIM_LOG) process.env.ALLOT_LOG = 'on';
    // One SDK attempt per call: an injected fault is one that outlasted the SDK's retries (runtime.ts).
    process.env.DYNAMODB_MAX_ATTEMPTS = '1';
    await useSimTables();
    containers = await loadContainers(3);
    retry.timers.sleep = virtualSleep;
    vi.useFakeTimers({ toFake: ['Date'] });
  }, 300_000);

  describe(`sim: ${surface.name}`, () => {
    for (const { combo, config: runConfig, what } of chosen) {
      it(`${what}: ${combo.join(' x ')}: every invariant holds under every schedule tried`, async () => {
        // performance.now: Date is the simulation's clock.
        const started = performance.now();
        try {
          runs += await checkSurface(surface, combo, containers, runConfig);
        } finally {
          ms += performance.now() - started;
        }
      }, 3_600_000);
    }
  });
}
