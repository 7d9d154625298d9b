/**
 * The vitest side of a surface's simulation: its own tables and containers, the faked Date,
 * and one test per combination of functions (combos() covers every pair), each running
 * `numRuns` schedules (simConfig: the default budget, or `npm run sim`'s).
 */
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import * as retry from '../../../lib/db/retry';
import { loadContainers, type Container } from './containers';
import { virtualSleep } from './runtime';
import { checkSurface, combos, simConfig, type Surface } from './sim';
import { useSimTables } from './tables';

export function simSuite<W>(surface: Surface<W>, defaultRuns: number, groups: string[][] = [Object.keys(surface.ops)]): void {
  const config = simConfig(defaultRuns);
  let containers: Container[];
  let runs = 0;
  let ms = 0;
  afterAll(() => {
    console.info(`[sim] ${JSON.stringify({ surface: surface.name, runs, seconds: Math.round(ms / 100) / 10 })}`);
  });
  beforeAll(async () => {
    // `npm run sim -- --log`: the handlers' log lines (errors with their cause) for a replay.
    if (process.env.SIM_LOG) process.env.ALLOT_LOG = 'on';
    await useSimTables();
    containers = await loadContainers(3);
    retry.timers.sleep = virtualSleep;
    vi.useFakeTimers({ toFake: ['Date'] });
  }, 300_000);

  describe(`sim: ${surface.name}`, () => {
    const seen = new Set<string>();
    for (const combo of groups.flatMap((g) => combos(g))) {
      const name = combo.join(' x ');
      if (seen.has(name) || (config.only && !name.includes(config.only))) continue;
      seen.add(name);
      it(`${name}: every invariant holds under every schedule tried`, async () => {
        // performance.now: Date is the simulation's clock.
        const started = performance.now();
        try {
          runs += await checkSurface(surface, combo, containers, config);
        } finally {
          ms += performance.now() - started;
        }
      }, 3_600_000);
    }
  });
}
