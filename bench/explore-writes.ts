/**
 * `npm run bench -- --explore`: the write strategies considered for the bulk scenarios, each
 * writing the same number of fresh items to the same table, round-robin (every strategy once
 * per round, the order rotated each round), against the BatchWriteItem baseline. Slow (minutes),
 * so not part of the default run; docs/PERFORMANCE.md quotes its output.
 *
 * Only the conditional strategies keep the SPEC's guarantee that an existing item is never
 * overwritten (a generated code is never stored twice, an assignment never replaced):
 * TransactWriteItems of conditional Puts, single conditional PutItems, PartiQL INSERT (which
 * refuses an existing key) in BatchExecuteStatement. BatchWriteItem cannot refuse.
 */
import { BatchExecuteStatementCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../lib/db/batch';
import { db } from '../lib/db/client';
import { chunk, forEachLimit } from '../lib/db/concurrency';
import { tableName } from '../lib/db/tables';
import { generateCodes } from '../lib/enrollment/code-generator';
import { codeItem } from '../lib/enrollment/items';
import { putCourse } from '../lib/enrollment/repository';
import { BENCH_COURSE } from './bulk-codes';
import type { BenchTenant } from './env';
import { result, type Results } from './results';
import { median, round, timeMs } from './stats';

type Item = Record<string, unknown>;

/** One item per assignment (course, login): the course-units layout these strategies were measured for. */
const pairItem = (t: string, code: string, loginId: number, at: string): Item => ({
  pk: `T#${t}#ASSIGN#${code}`, sk: `LOGIN#${loginId}`, course_code: code, login_id: loginId, op_id: 'explore', assigned_at: at,
});
type Strategy = (table: string, items: Item[]) => Promise<void>;

const condition = 'attribute_not_exists(pk)';

const transactions = (size: number, inFlight: number): Strategy => async (table, items) => {
  await forEachLimit(chunk(items, size), inFlight, async (batch) => {
    await db().send(
      new TransactWriteCommand({ TransactItems: batch.map((Item) => ({ Put: { TableName: table, Item, ConditionExpression: condition } })) }),
    );
  });
};

const singlePuts = (inFlight: number): Strategy => async (table, items) => {
  await forEachLimit(items, inFlight, async (Item) => {
    await db().send(new PutCommand({ TableName: table, Item, ConditionExpression: condition }));
  });
};

/** PartiQL INSERT fails with DuplicateItem on an existing key: a conditional batch write. */
const partiqlInserts = (inFlight: number): Strategy => async (table, items) => {
  await forEachLimit(chunk(items, 25), inFlight, async (batch) => {
    const out = await db().send(
      new BatchExecuteStatementCommand({
        Statements: batch.map((item) => {
          const names = Object.keys(item);
          return { Statement: `INSERT INTO "${table}" VALUE {${names.map((n) => `'${n}': ?`).join(', ')}}`, Parameters: names.map((n) => item[n]) };
        }),
      }),
    );
    const failed = (out.Responses ?? []).filter((r) => r.Error);
    if (failed.length) throw new Error(`PartiQL insert failed: ${failed[0]!.Error!.Code}`);
  });
};

const batchWrites = (inFlight: number): Strategy => async (table, items) => {
  await batchPutAll(table, items, { concurrency: inFlight });
};

const strategies: Record<string, Strategy> = {
  'BatchWriteItem 25 x 8 (baseline, unconditional)': batchWrites(8),
  'BatchWriteItem 25 x 10 (unconditional)': batchWrites(10),
  'BatchWriteItem 25 x 1 (unconditional)': batchWrites(1),
  'TransactWriteItems 100 x 1': transactions(100, 1),
  'TransactWriteItems 100 x 4': transactions(100, 4),
  'TransactWriteItems 100 x 8': transactions(100, 8),
  'TransactWriteItems 100 x 10': transactions(100, 10),
  'TransactWriteItems 100 x 16': transactions(100, 16),
  'TransactWriteItems 50 x 16': transactions(50, 16),
  'TransactWriteItems 25 x 16': transactions(25, 16),
  'TransactWriteItems 25 x 32': transactions(25, 32),
  'PutItem conditional 1 x 64': singlePuts(64),
  'PartiQL INSERT batch 25 x 8': partiqlInserts(8),
};

async function explore(count: number, rounds: number, table: string, items: (n: number) => Item[]) {
  const names = Object.keys(strategies);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await strategies[name]!(table, items(Math.min(count, 1000))); // warm-up
  for (let r = 0; r < rounds; r++) {
    const order = [...names.slice(r % names.length), ...names.slice(0, r % names.length)];
    for (const name of order) {
      const batch = items(count);
      times[name]!.push(await timeMs(() => strategies[name]!(table, batch)));
    }
  }
  const baseline = median(times[names[0]!]!);
  return Object.fromEntries(
    names.map((name) => [name, { median_ms: round(median(times[name]!), 0), ratio: round(median(times[name]!) / baseline, 2), runs_ms: times[name]!.map((t) => round(t, 0)) }]),
  );
}

export async function exploreWrites(tenant: BenchTenant, sizes: { count: number; rounds: number }): Promise<Results> {
  await putCourse(tenant.tenantId, { courseId: BENCH_COURSE });
  const createdAt = new Date().toISOString();
  const codes = await explore(sizes.count, sizes.rounds, tableName('enrollment'), (n) =>
    generateCodes(n).map((code, idx) => codeItem(tenant.tenantId, { code, courseId: BENCH_COURSE, status: 'active', createdAt }, { batch: 'bench', idx })),
  );
  let course = 0;
  const assignments = await explore(sizes.count, sizes.rounds, tableName('units'), (n) => {
    const prefix = `X${course++}-`;
    return Array.from({ length: n }, (_, i) =>
      pairItem(tenant.tenantId, `${prefix}${i % 10}`, Math.floor(i / 10) + 1, createdAt),
    );
  });
  const best = (table: Record<string, { ratio: number }>) =>
    Object.entries(table).filter(([name]) => !name.startsWith('BatchWriteItem')).reduce((a, b) => (b[1].ratio < a[1].ratio ? b : a));
  const [codesBest, assignBest] = [best(codes), best(assignments)];
  return {
    explore_code_writes: result({
      value: codesBest[1].ratio,
      target: 1.3,
      unit: 'x BatchWriteItem',
      on: 'value',
      note: `best conditional strategy for ${sizes.count} code items: ${codesBest[0]}`,
      detail: codes,
    }),
    explore_assignment_writes: result({
      value: assignBest[1].ratio,
      target: 1.5,
      unit: 'x BatchWriteItem',
      on: 'value',
      note: `best conditional strategy for ${sizes.count} assignment items: ${assignBest[0]}`,
      detail: assignments,
    }),
  };
}
