import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import { acquireKey, completeKey, idempotencyRecordKey, keyLifetimeSeconds, releaseKey } from '../../../lib/idempotency/repository';

const tenant = `t-${randomUUID().slice(0, 8)}`;
const record = async (key: string) =>
  (await db().send(new GetCommand({ TableName: tableName('idempotency'), Key: idempotencyRecordKey(tenant, key), ConsistentRead: true }))).Item;

describe('idempotency records', () => {
  it('store a large answer compressed and give it back exactly', async () => {
    const key = randomUUID();
    const response = { statusCode: 200, headers: { 'Content-Type': 'application/xml' }, body: `<codes>${'<code>ABCDEFGH</code>'.repeat(10_000)}</codes>` };
    expect(await acquireKey(tenant, key, 'fp', 'me', 30_000)).toEqual({ kind: 'acquired' });
    await completeKey(tenant, key, 'me', response);
    const item = await record(key);
    expect(item?.response).toBeUndefined();
    expect(item?.responseGzip).toBeDefined();
    expect(await acquireKey(tenant, key, 'fp', 'other', 30_000)).toEqual({ kind: 'completed', response });
  });

  it('expire 24 hours after first use: then the key is taken anew, whatever it held', async () => {
    const key = randomUUID();
    const now = Date.now();
    await acquireKey(tenant, key, 'fp-1', 'first', 30_000, now);
    await completeKey(tenant, key, 'first', { statusCode: 200, headers: {}, body: '{}' });
    expect(Number((await record(key))?.ttl)).toBe(Math.ceil(now / 1000) + keyLifetimeSeconds);
    expect((await acquireKey(tenant, key, 'fp-2', 'second', 30_000, now + 1000)).kind).toBe('mismatch');
    expect(await acquireKey(tenant, key, 'fp-2', 'second', 30_000, now + (keyLifetimeSeconds + 1) * 1000)).toEqual({ kind: 'acquired' });
  });

  it('a key whose invocation ran out of time is taken over; the late owner can neither complete nor release it', async () => {
    const key = randomUUID();
    const now = Date.now();
    await acquireKey(tenant, key, 'fp', 'dead', 1_000, now);
    expect((await acquireKey(tenant, key, 'fp', 'next', 30_000, now + 500)).kind).toBe('running');
    expect(await acquireKey(tenant, key, 'fp', 'next', 30_000, now + 2_000)).toEqual({ kind: 'acquired' });
    await completeKey(tenant, key, 'dead', { statusCode: 200, headers: {}, body: 'late' });
    await releaseKey(tenant, key, 'dead');
    expect(await record(key)).toMatchObject({ status: 'in_progress', owner: 'next' });
  });
});
