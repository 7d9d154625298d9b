/**
 * The enrollment table's commands for the hourly job: codes due for expiry and batches left
 * pending by a generate request that never committed (both in the sparse index gsi2, keys.ts).
 * Every write is conditional, so the job never undoes a request's work.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { isConditionFailed } from '../db/conditions';
import { tableName } from '../db/tables';
import { expiryShardKey, parseBatchKey, pendingKey } from './keys';
import type { CodeStatus } from './model';

export type Key = Record<string, unknown>;

const table = () => tableName('enrollment');
const pageSize = 100;

export interface DueCode {
  key: { pk: string; sk: string };
  status: CodeStatus;
  expiresAt: string;
}

/** One page of a shard's codes whose expiry is before `before` (oldest first). */
export async function queryDueCodes(shard: number, before: string, start?: Key): Promise<{ codes: DueCode[]; next?: Key }> {
  const page = await db().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :shard AND expiresAt < :before',
      ExpressionAttributeValues: { ':shard': expiryShardKey(shard), ':before': before },
      Limit: pageSize,
      ExclusiveStartKey: start,
    }),
  );
  const codes = (page.Items ?? []).map((item) => ({
    key: { pk: String(item.pk), sk: String(item.sk) },
    status: String(item.status) as CodeStatus,
    expiresAt: String(item.expiresAt),
  }));
  return { codes, next: page.LastEvaluatedKey };
}

/** active -> expired and out of the index, only if still active and past `before`. */
export async function expireCode(key: DueCode['key'], before: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        UpdateExpression: 'SET #status = :expired REMOVE gsi2pk',
        ConditionExpression: '#status = :active AND expiresAt < :before',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':expired': 'expired', ':active': 'active', ':before': before },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/**
 * Takes a due code that is no longer active (redeemed, canceled) out of the index. If it was
 * restored to active meanwhile it stays, and the next run expires it.
 */
export async function unindexCode(key: DueCode['key']): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        UpdateExpression: 'REMOVE gsi2pk',
        ConditionExpression: 'attribute_exists(gsi2pk) AND #status <> :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}


export interface StaleBatch {
  tenantId: string;
  batchId: string;
}

/** One page of the batches still pending (or abandoned half-way) that went stale before `before`. */
export async function queryStaleBatches(before: string, start?: Key): Promise<{ batches: StaleBatch[]; next?: Key }> {
  const page = await db().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :shard AND expiresAt < :before',
      ExpressionAttributeValues: { ':shard': pendingKey, ':before': before },
      Limit: pageSize,
      ExclusiveStartKey: start,
    }),
  );
  const batches = (page.Items ?? []).flatMap((item) => {
    const parsed = parseBatchKey(String(item.pk));
    return parsed ? [parsed] : [];
  });
  return { batches, next: page.LastEvaluatedKey };
}
