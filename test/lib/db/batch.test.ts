/**
 * batchPutAll / batchGetAll against the real DynamoDB Local. Unprocessed items are MOCKED
 * (DynamoDB Local never leaves any): a middleware on the process's client sends only part of
 * a batch and reports the rest back as unprocessed, exactly as DynamoDB does under load.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { batchGetAll, batchPutAll } from '../../../lib/db/batch';
import { rawDb } from '../../../lib/db/client';
import { queryAll } from '../../../lib/db/paging';
import { tableName } from '../../../lib/db/tables';
import { ServiceUnavailableError } from '../../../lib/errors';

const table = () => tableName('units');
const MOCK = 'toolkitUnprocessed';
const quick = { baseMs: 1, capMs: 2 };

type Low = Record<string, unknown[] | Record<string, unknown>>;

/** Every call of `command` sends only its first `keep` entries and reports the others unprocessed. */
function holdBack(command: 'BatchWriteItemCommand' | 'BatchGetItemCommand', keep: number, times = Infinity) {
  let left = times;
  rawDb().middlewareStack.add(
    ((next: (args: unknown) => Promise<{ output: Record<string, unknown> }>, context: { commandName?: string }) =>
      async (args: { input: { RequestItems: Low } }) => {
        if (context.commandName !== command || left <= 0) return next(args);
        left--;
        const [name, request] = Object.entries(args.input.RequestItems)[0]!;
        // Nothing processed: DynamoDB answers without writing (an empty request would be invalid).
        const send = (input: unknown) =>
          keep > 0 ? next({ ...args, input }) : Promise.resolve({ output: { $metadata: {} } as Record<string, unknown> });
        if (command === 'BatchWriteItemCommand') {
          const all = request as unknown[];
          const result = await send({ ...args.input, RequestItems: { [name]: all.slice(0, keep) } });
          result.output.UnprocessedItems = all.length > keep ? { [name]: all.slice(keep) } : {};
          return result;
        }
        const { Keys, ...rest } = request as { Keys: unknown[] };
        const result = await send({ ...args.input, RequestItems: { [name]: { ...rest, Keys: Keys.slice(0, keep) } } });
        result.output.UnprocessedKeys = Keys.length > keep ? { [name]: { ...rest, Keys: Keys.slice(keep) } } : {};
        return result;
      }) as never,
    { step: 'serialize', priority: 'high', name: MOCK, override: true } as never,
  );
}

afterEach(() => {
  rawDb().middlewareStack.remove(MOCK);
});

const itemsFor = (pk: string, n: number) => Array.from({ length: n }, (_, i) => ({ pk, sk: `s#${String(i).padStart(3, '0')}`, n: i }));
const stored = async (pk: string) =>
  queryAll({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });

describe('batchPutAll', () => {
  it('writes any number of items in requests of 25', async () => {
    const pk = `toolkit-batch#${randomUUID()}`;
    expect(await batchPutAll(table(), itemsFor(pk, 60), { concurrency: 2 })).toBe(3);
    expect((await stored(pk)).map((i) => String(i.n))).toEqual(itemsFor(pk, 60).map((i) => String(i.n)));
  });

  it('sends unprocessed items again until all are written', async () => {
    const pk = `toolkit-batch#${randomUUID()}`;
    holdBack('BatchWriteItemCommand', 10);
    // 25 items: 10 per request -> 3 requests.
    expect(await batchPutAll(table(), itemsFor(pk, 25), quick)).toBe(3);
    expect(await stored(pk)).toHaveLength(25);
  });

  it('gives up with a 503 when items stay unprocessed for `attempts` rounds', async () => {
    const pk = `toolkit-batch#${randomUUID()}`;
    holdBack('BatchWriteItemCommand', 0);
    await expect(batchPutAll(table(), itemsFor(pk, 5), { attempts: 3, ...quick })).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('batchGetAll', () => {
  it('reads any number of keys in requests of 100; missing keys are absent', async () => {
    const pk = `toolkit-batch#${randomUUID()}`;
    const items = itemsFor(pk, 150);
    await batchPutAll(table(), items);
    const keys = [...items.map(({ pk: p, sk }) => ({ pk: p, sk })), { pk, sk: 'missing' }];
    const found = await batchGetAll(table(), keys, { consistentRead: true, projection: 'sk, #n', names: { '#n': 'n' } });
    expect(found.map((i) => String(i.sk)).sort()).toEqual(items.map((i) => i.sk));
    expect(Object.keys(found[0]!).sort()).toEqual(['n', 'sk']);
  });

  it('asks again for unprocessed keys', async () => {
    const pk = `toolkit-batch#${randomUUID()}`;
    const items = itemsFor(pk, 30);
    await batchPutAll(table(), items);
    holdBack('BatchGetItemCommand', 7);
    const found = await batchGetAll(table(), items.map(({ pk: p, sk }) => ({ pk: p, sk })), { consistentRead: true, ...quick });
    expect(found).toHaveLength(30);
  });

  it('gives up with a 503 when keys stay unprocessed for `attempts` rounds', async () => {
    const pk = `toolkit-batch#${randomUUID()}`;
    holdBack('BatchGetItemCommand', 0);
    await expect(batchGetAll(table(), [{ pk, sk: 'a' }], { attempts: 2, ...quick })).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
