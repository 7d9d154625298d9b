/**
 * The idempotency table's commands: each tenant's Idempotency-Keys and the first answer to each
 * (SPEC section 3, "Retries"; the layout is in keys.ts).
 *
 * Hand-written rather than Powertools' idempotency utility: docs/RELIABILITY.md, "Retries".
 * Every state change is conditional, so an invocation only ever completes or releases the
 * record it acquired itself.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from '../db/client';
import { tableName } from '../db/tables';
import { recordKey } from './keys';

export const keyLifetimeSeconds = 24 * 60 * 60;
/** Above this the stored answer is compressed (an item holds at most 400 KB; 10,000 codes in XML are ~220 KB). */
const compressAbove = 100_000;

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type Acquired =
  | { kind: 'acquired' }
  | { kind: 'running' }
  | { kind: 'mismatch' }
  | { kind: 'completed'; response: StoredResponse };


/**
 * Takes the key for this request, unless a live record holds it: one conditional Put that also
 * wins over an expired record (TTL deletion is lazy) and over an in-progress record whose
 * invocation's time ran out (it can no longer answer).
 */
export async function acquireKey(
  tenantId: string,
  key: string,
  fingerprint: string,
  owner: string,
  lockMs: number,
  now = Date.now(),
): Promise<Acquired> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await db().send(
        new PutCommand({
          TableName: tableName('idempotency'),
          Item: {
            ...recordKey(tenantId, key),
            status: 'in_progress',
            fingerprint,
            owner,
            lockedUntil: now + lockMs,
            ttl: Math.ceil(now / 1000) + keyLifetimeSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :nowS OR (#status = :running AND lockedUntil < :nowMs)',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#status': 'status' },
          ExpressionAttributeValues: { ':nowS': Math.floor(now / 1000), ':nowMs': now, ':running': 'in_progress' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'acquired' };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = err.Item ? unmarshall(err.Item) : await readRecord(tenantId, key);
      // Released (its request failed) between the Put and the read: try again.
      if (!existing) continue;
      if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (existing.status !== 'completed') return { kind: 'running' };
      return { kind: 'completed', response: decodeResponse(existing) };
    }
  }
  return { kind: 'running' };
}

async function readRecord(tenantId: string, key: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName('idempotency'), Key: recordKey(tenantId, key), ConsistentRead: true }),
  );
  return Item;
}

/** Stores the answer of the request that holds the key (and only if it still does). */
export async function completeKey(tenantId: string, key: string, owner: string, response: StoredResponse): Promise<void> {
  const json = JSON.stringify(response);
  const large = json.length > compressAbove;
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName('idempotency'),
        Key: recordKey(tenantId, key),
        UpdateExpression: `SET #status = :completed, ${large ? 'responseGzip' : '#response'} = :response REMOVE lockedUntil`,
        ConditionExpression: '#owner = :owner AND #status = :running',
        ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status', ...(large ? {} : { '#response': 'response' }) },
        ExpressionAttributeValues: {
          ':completed': 'completed',
          ':running': 'in_progress',
          ':owner': owner,
          ':response': large ? gzipSync(json) : json,
        },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

/** Frees the key after a failed request (nothing it did is kept), if this invocation still holds it. */
export async function releaseKey(tenantId: string, key: string, owner: string): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName('idempotency'),
        Key: recordKey(tenantId, key),
        ConditionExpression: '#owner = :owner AND #status = :running',
        ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
        ExpressionAttributeValues: { ':owner': owner, ':running': 'in_progress' },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

function decodeResponse(item: Record<string, unknown>): StoredResponse {
  const gz = item.responseGzip as Uint8Array | undefined;
  return JSON.parse(gz ? gunzipSync(gz).toString('utf8') : String(item.response)) as StoredResponse;
}

/** Tests: the raw record of a key. */
export function idempotencyRecordKey(tenantId: string, key: string): { pk: string; sk: string } {
  return recordKey(tenantId, key);
}
