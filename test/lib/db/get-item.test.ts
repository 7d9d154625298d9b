/**
 * getItem (lib/db/get-item.ts) against the real DynamoDB Local: the same item a DocumentClient
 * GetCommand returns, and the resolved middleware (lib/db/resolved.ts) notices a middleware
 * added or removed after the first call, and a replaced request handler.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { db, rawDb } from '../../../lib/db/client';
import { getItem } from '../../../lib/db/get-item';
import { tableName } from '../../../lib/db/tables';

const table = () => tableName('units');
const SPY = 'getItemTestSpy';

afterEach(() => {
  rawDb().middlewareStack.remove(SPY);
});

async function stored(): Promise<{ pk: string; sk: string }> {
  const key = { pk: `GETITEM#${randomUUID()}`, sk: 'ITEM' };
  await db().send(
    new PutCommand({
      TableName: table(),
      Item: { ...key, price: NumberValue.from('12.34'), count: 7, name: 'x', tags: ['a', 'b'], nested: { deep: true, none: null } },
    }),
  );
  return key;
}

/** Counts the GetItem calls that pass through the client's stack. */
function spy(): { calls: number } {
  const seen = { calls: 0 };
  rawDb().middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
      if (context.commandName === 'GetItemCommand') seen.calls++;
      return next(args);
    }) as never,
    { step: 'initialize', name: SPY },
  );
  return seen;
}

describe('getItem', () => {
  it('returns the item a DocumentClient GetCommand returns (numbers wrapped), or undefined', async () => {
    const key = await stored();
    const viaDocument = (await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }))).Item;
    const item = await getItem(table(), key, { consistent: true });
    expect(item).toEqual(viaDocument);
    expect(item?.price).toBeInstanceOf(NumberValue);
    expect(String(item?.price)).toBe('12.34');
    expect(await getItem(table(), { ...key, sk: 'MISSING' })).toBeUndefined();
  });

  it('sees a middleware added after its first call, and stops seeing it once removed', async () => {
    const key = await stored();
    await getItem(table(), key);
    const seen = spy();
    await getItem(table(), key);
    await getItem(table(), key);
    expect(seen.calls).toBe(2);
    rawDb().middlewareStack.remove(SPY);
    await getItem(table(), key);
    expect(seen.calls).toBe(2);
  });

  it('sends through a request handler replaced after its first call', async () => {
    const key = await stored();
    await getItem(table(), key);
    const config = rawDb().config as unknown as { requestHandler: { handle: (...args: unknown[]) => Promise<unknown> } };
    const original = config.requestHandler;
    let handled = 0;
    config.requestHandler = { ...original, handle: (...args) => (handled++, original.handle(...args)) } as typeof original;
    try {
      expect(await getItem(table(), key)).toMatchObject(key);
      expect(handled).toBe(1);
    } finally {
      config.requestHandler = original;
    }
  });
});
