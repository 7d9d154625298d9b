/**
 * The enrollment table's commands for the hourly job: codes due for expiry and batches left
 * pending by a generate request that never committed (both in the sparse index gsi2, keys.ts).
 * Every write is conditional, so the job never undoes a request's work.
 */
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/batch';
import { db } from '../db/client';
import { isConditionFailed } from '../db/conditions';
import { counterItem, delta, expiryItems } from './counts';
import { batchKey, expiryCountKey, expiryShardKey, parseBatchKey, pendingKey } from './keys';
import { transact } from './repository-transact';
import { enrollmentTable as table } from '../db/tables';
import type { CodeStatus } from './model';
import type { Cursor } from '../db/types';


const pageSize = 100;

export interface DueCode {
  key: { pk: string; sk: string };
  status: CodeStatus;
  expiresAt: string;
}

/** One page of a shard's codes whose expiry is before `before` (oldest first). */
export async function queryDueCodes(shard: number, before: string, start?: Cursor): Promise<{ codes: DueCode[]; next?: Cursor }> {
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

/** The tenant and course of due codes (not in gsi2's projection): one BatchGet per page. */
export async function courseOfCodes(keys: DueCode['key'][]): Promise<Map<string, CodeOwner>> {
  const items = await batchGetAll(table(), keys, { projection: 'pk, courseId, #b', names: { '#b': 'batch' } });
  const out = new Map<string, CodeOwner>();
  for (const item of items) {
    const pk = String(item.pk);
    out.set(pk, { tenantId: pk.slice(2, pk.lastIndexOf('#CODE#')), courseId: String(item.courseId), ...(item.batch === undefined ? {} : { batch: String(item.batch) }) });
  }
  return out;
}

/** Where a due code belongs; `batch` for a code written by a generate request's batch. */
export interface CodeOwner {
  tenantId: string;
  courseId: string;
  batch?: string;
}

/**
 * active -> expired and out of the index, only if still active and past `before`, with the
 * course's counts moved in the same transaction (counts.ts). A code of a batch only if that
 * batch committed: a batch that never did lists nothing and counts nothing (the job's second
 * pass deletes it), so flipping its codes would move the counts of codes that do not exist.
 */
export async function expireCode(code: DueCode & CodeOwner, before: string): Promise<boolean> {
  const counts = delta([{ from: { status: 'active', expiresAt: code.expiresAt }, to: { status: 'expired' } }]);
  const failed = await transact([
    {
      Update: {
        TableName: table(),
        Key: code.key,
        UpdateExpression: 'SET #status = :expired REMOVE gsi2pk',
        ConditionExpression: '#status = :active AND expiresAt < :before',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':expired': 'expired', ':active': 'active', ':before': before },
      },
    },
    ...counterItem(code.tenantId, code.courseId, counts),
    ...expiryItems(code.tenantId, code.courseId, counts),
    ...(code.batch === undefined
      ? []
      : [{
          ConditionCheck: {
            TableName: table(),
            Key: batchKey(code.tenantId, code.batch),
            ConditionExpression: '#status = :committed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':committed': 'committed' },
          },
        }]),
  ]);
  return failed.length === 0;
}

/** Deletes an expiry's active count once it is 0 (the codes of a past expiry all dealt with), so the counts' read stays short. */
export async function pruneExpiryCount(tenantId: string, courseId: string, expiresAt: string): Promise<void> {
  try {
    await db().send(new DeleteCommand({ TableName: table(), Key: expiryCountKey(tenantId, courseId, expiresAt), ConditionExpression: 'active = :zero', ExpressionAttributeValues: { ':zero': 0 } }));
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
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
export async function queryStaleBatches(before: string, start?: Cursor): Promise<{ batches: StaleBatch[]; next?: Cursor }> {
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
