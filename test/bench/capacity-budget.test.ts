/**
 * The capacity budgets (bench/capacity-budgets.json) hold for the small capacity scenarios:
 * every DynamoDB request of one call through the handler is counted and priced by AWS's rules
 * (bench/capacity/), and a call that needs more requests, rounds, RCU or WRU than its budget
 * fails here. Counts, not timings: the same code gives the same figures on any machine. The
 * large scenarios (100k units, 100 x 1000 assigns...) run in `npm run capacity` only.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resetDb } from '../../lib/db/client';
import { setLogSink } from '../../lib/log';
import { readBudgets, runScenarios, scenarios } from '../../bench/capacity/run';
import { allowed, type Figures } from '../../bench/capacity/report';

const budgets = readBudgets();
let results: Record<string, Figures> = {};

beforeAll(async () => {
  setLogSink(() => {});
  results = await runScenarios({ mode: 'small', budgets, cpu: false });
}, 240_000);
afterAll(() => resetDb());

it('every capacity scenario has a budget', () => {
  const missing = scenarios().map((s) => s.name).filter((name) => !budgets[name]);
  expect(missing).toEqual([]);
});

it('gives a margin only with its reason, and only to a figure that follows wall time', () => {
  const unexplained = Object.entries(budgets).filter(([, b]) => b.margin && (!b.margin.why || b.margin.rcu !== undefined));
  expect(unexplained.map(([name]) => name)).toEqual([]);
});

it('every small scenario answers and stays within its budget of requests, rounds, RCU and WRU', () => {
  expect(Object.keys(results).length).toBeGreaterThan(20);
  const over = Object.entries(results).flatMap(([name, f]) => {
    const b = budgets[name]!;
    const excess = (['requests', 'rounds', 'rcu', 'wru'] as const).filter((k) => f[k] > allowed(b, k)).map((k) => `${k} ${f[k]} > ${allowed(b, k)}`);
    return [...(typeof f.status === 'number' && f.status < 300 ? [] : [`status ${f.status}`]), ...excess].map((e) => `${name}: ${e}`);
  });
  expect(over).toEqual([]);
});
