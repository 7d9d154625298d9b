/**
 * The capacity budgets (bench/capacity-budgets.json) hold for the small capacity scenarios:
 * every DynamoDB request of one call through the handler is counted and priced by AWS's rules
 * (bench/capacity/), and a call that needs more requests, rounds, RCU or WRU than its budget
 * fails here. Counts, not timings: the same code gives the same figures on any machine. The
 * large scenarios (100k units, 100 x 1000 assigns...) run in `npm run capacity` only.
 *
 * The same calls are held against the IAM role of the function each scenario calls: every
 * request, as IAM authorises it (a transaction's Put/Update/Delete/ConditionCheck each needs its
 * own action on its table, a PartiQL statement its PartiQL* action, a Query of an index the
 * index's ARN; test/helpers/iam.ts), must be allowed by the function's statements as the
 * template packages them (scripts/functions.ts: functions.yml plus the implied statements;
 * test/ops/template.test.ts holds the packaged roles to that list). DynamoDB Local ignores IAM,
 * so a missing action would otherwise show first on AWS. test/ops/events.test.ts does the same
 * for each function's sample event; the scenarios reach the paths a sample does not (batches,
 * transactions with condition checks, renames, pages).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resetDb } from '../../lib/db/client';
import { setLogSink } from '../../lib/log';
import { readBudgets, runScenarios, scenarios } from '../../bench/capacity/run';
import { allowed, type Figures } from '../../bench/capacity/report';
import { findFunction } from '../../scripts/functions';
import { deniedCalls, type Call } from '../helpers/iam';

const budgets = readBudgets();
let results: Record<string, Figures> = {};
const calls: Record<string, { fn: string; calls: Call[] }> = {};

beforeAll(async () => {
  setLogSink(() => {});
  results = await runScenarios({
    mode: 'small',
    budgets,
    cpu: false,
    onMeasured: (scenario, measured) => (calls[scenario.name] = { fn: scenario.fn, calls: measured.calls }),
  });
}, 240_000);
afterAll(() => resetDb());

it('every capacity scenario has a budget', () => {
  const missing = scenarios().map((s) => s.name).filter((name) => !budgets[name]);
  expect(missing).toEqual([]);
});

it('gives a margin only with its reason, and only to a figure that follows wall time', () => {
  // RCU is pinned, but for a read that sums many items stamped with the clock: numbers are priced by
  // significant digits (bench/capacity/size.ts), so a timestamp ending in 0 is a byte smaller and a
  // 4 KB step of a long Query or Scan can move by 0.5 RCU. Such a margin stays under 0.5 % of the figure.
  const unexplained = Object.entries(budgets).filter(
    ([, b]) => b.margin && (!b.margin.why || (b.margin.rcu !== undefined && b.margin.rcu > b.rcu * 0.005)),
  );
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

it('every DynamoDB action a small scenario performs is allowed by the IAM statements of the function it calls', () => {
  expect(Object.keys(calls).length).toBeGreaterThan(20);
  const denied = Object.entries(calls).flatMap(([name, { fn, calls }]) =>
    deniedCalls(findFunction(fn).iamRoleStatements, calls).map((d) => `${name} (${fn}): ${d}`),
  );
  expect(denied).toEqual([]);
  // the kinds a transaction holds are recorded as their own actions, not as TransactWriteItems
  const actions = new Set(Object.values(calls).flatMap((s) => s.calls.map((c) => c.action)));
  expect(actions).not.toContain('TransactWriteItems');
  expect([...actions]).toEqual(expect.arrayContaining(['ConditionCheckItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem']));
});
