/**
 * A generate request's codes as one batch (keys.ts): the batch item is written first (pending,
 * with every code it will write), then the codes, then ONE transaction commits it: the batch
 * becomes `committed` with its listing position, the course's count moves on and the blocks
 * that list the codes are written. Before that commit no code of the batch exists for the API
 * (repository.ts `visibility`), and a batch that never commits is found again (gsi2, key
 * PENDING) and deleted by the hourly job: whatever stops a request, no code is left that nobody
 * was given.
 *
 * Codes are written with PartiQL INSERT in BatchExecuteStatement, 25 per request: INSERT fails
 * on an existing key (DuplicateItem), which BatchWriteItem cannot do, and costs a plain write
 * (1 WRU per code) where a transaction costs two. Atomicity across codes is not needed: the
 * batch commit is what makes them visible.
 */
import { BatchExecuteStatementCommand, DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/batch';
import { db } from '../db/client';
import { chunk, forEachLimit } from '../db/concurrency';
import { cancellation, isConditionFailed, isContended } from '../db/conditions';
import { backoffMs, sleep } from '../db/retry';
import { ServiceUnavailableError } from '../errors';
import { batchKey, blockSize, codeKey } from './keys';
import { blockItem, codeItem, pendingBatchItem, type PendingBatch } from './items';
import type { CodeRecord } from './model';
import { expiryItems } from './counts';
import { getCourseListing, moveCount } from './repository';
import type { TransactItem } from '../db/types';
import { enrollmentTable as table } from '../db/tables';

export const statementsPerRequest = 25; // the BatchExecuteStatement limit
const statementAttempts = 6;
// Per-statement errors that say nothing about the data: send that statement again.
const retryableStatement = new Set(['ProvisionedThroughputExceeded', 'ThrottlingError', 'RequestLimitExceeded', 'InternalServerError', 'TransactionConflict']);

export async function putPendingBatch(tenantId: string, batch: PendingBatch): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: pendingBatchItem(tenantId, batch), ConditionExpression: 'attribute_not_exists(pk)' }));
}

export interface BatchState {
  status: 'pending' | 'committed' | 'abandoned';
  courseId: string;
  codes: string[];
}

export async function getBatch(tenantId: string, batchId: string): Promise<BatchState | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: batchKey(tenantId, batchId), ConsistentRead: true }));
  if (!Item) return undefined;
  return { status: Item.status as BatchState['status'], courseId: String(Item.courseId), codes: (Item.codes as string[] | undefined) ?? [] };
}

/**
 * Runs statements 25 per request, sending again (after a pause) those DynamoDB did not judge
 * on their data; answers each statement's final error code (undefined: done).
 */
/** Each statement's error code (undefined: it applied) and whether it returned an item (`RETURNING ALL OLD *`). */
type StatementOutcome = { code?: string; returned: boolean };

async function runStatements(statements: { Statement: string; Parameters: unknown[] }[]): Promise<StatementOutcome[]> {
  const outcome: StatementOutcome[] = [];
  await Promise.all(
    chunk(statements.map((s, i) => ({ s, i })), statementsPerRequest).map(async (part) => {
      let pending = part;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const { Responses = [] } = await db().send(new BatchExecuteStatementCommand({ Statements: pending.map((p) => p.s) }));
        const again: typeof pending = [];
        pending.forEach((p, j) => {
          const code = Responses[j]?.Error?.Code;
          if (code && retryableStatement.has(code)) again.push(p);
          else outcome[p.i] = { code, returned: Responses[j]?.Item !== undefined };
        });
        if (again.length > 0 && attempt >= statementAttempts) throw new ServiceUnavailableError();
        if (again.length > 0) await sleep(backoffMs(attempt));
        pending = again;
      }
    }),
  );
  return outcome;
}

/** Writes up to 100 codes of a pending batch; answers the indexes (into `entries`) of codes that already exist. */
export async function insertBatchCodes(tenantId: string, batch: string, entries: { record: CodeRecord; idx: number }[]): Promise<number[]> {
  const statements = entries.map(({ record, idx }) => {
    const item = codeItem(tenantId, record, { batch, idx });
    const names = Object.keys(item);
    return { Statement: `INSERT INTO "${table()}" VALUE {${names.map((n) => `'${n}': ?`).join(', ')}}`, Parameters: Object.values(item) };
  });
  const outcome = await runStatements(statements);
  const duplicates: number[] = [];
  outcome.forEach(({ code }, i) => {
    if (code === 'DuplicateItem') duplicates.push(i);
    else if (code) throw new Error(`Code insert failed: ${code}`);
  });
  if (duplicates.length === 0) return [];
  // A request the SDK sent again after a lost answer meets the codes its first attempt wrote:
  // those are this batch's own (same batch, same index), not collisions to replace.
  const stored = await batchGetAll(table(), duplicates.map((i) => codeKey(tenantId, entries[i]!.record.code)), {
    consistentRead: true,
    projection: 'pk, #b, idx',
    names: { '#b': 'batch' },
  });
  const ours = new Set(stored.filter((item) => item.batch === batch).map((item) => `${String(item.pk)}#${Number(item.idx)}`));
  return duplicates.filter((i) => !ours.has(`${codeKey(tenantId, entries[i]!.record.code).pk}#${entries[i]!.idx}`));
}

/** Records a replacement for the code at `idx` (after a collision), before that code is written. */
export async function replaceBatchCode(tenantId: string, batchId: string, idx: number, code: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: batchKey(tenantId, batchId),
      UpdateExpression: `SET codes[${idx}] = :code`,
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':code': code, ':pending': 'pending' },
    }),
  );
}

/**
 * The commit: batch pending -> committed at listing position `count` (`knownCount` when the
 * caller read it, else read here; a stale one only costs a retry), the course's count + the
 * batch's size, and the blocks listing its codes (and the expiry's active count), in one transaction (<= 3 + 10,000 / 128 items). Answers `abandoned` when the batch is no longer pending and not committed (the job
 * gave up on it). A lost answer is safe: the SDK resends the transaction with the same client
 * token, which DynamoDB answers without applying it twice.
 */
export async function commitBatch(
  tenantId: string,
  batch: { id: string; courseId: string; createdAt: string; expiresAt?: string; codes: string[] },
  knownCount?: number,
): Promise<'committed' | 'abandoned'> {
  for (let attempt = 1, known = knownCount; ; attempt++, known = undefined) {
    const count = known ?? (await getCourseListing(tenantId, batch.courseId)).count;
    const items: TransactItem[] = [
      moveCount(tenantId, batch.courseId, count, count + batch.codes.length),
      {
        Update: {
          TableName: table(),
          Key: batchKey(tenantId, batch.id),
          UpdateExpression: 'SET #status = :committed, #start = :start REMOVE codes, gsi2pk, expiresAt',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#start': 'start' },
          ExpressionAttributeValues: { ':committed': 'committed', ':pending': 'pending', ':start': count },
        },
      },
      // Active codes with an expiry are counted per expiry instant (counts.ts); the others need no count moved.
      ...(batch.expiresAt ? expiryItems(tenantId, batch.courseId, { counter: {}, expiries: { [batch.expiresAt]: batch.codes.length } }) : []),
      ...chunk(batch.codes, blockSize).map((codes, k) => ({
        Put: {
          TableName: table(),
          Item: blockItem(tenantId, batch.courseId, {
            start: count + k * blockSize,
            codes,
            createdAt: batch.createdAt,
            ...(batch.expiresAt ? { expiresAt: batch.expiresAt } : {}),
          }),
        },
      })),
    ];
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (err) {
      const cancelled = cancellation(err);
      if (cancelled && !cancelled.contended) {
        if (cancelled.conditionFailedAt.includes(1)) {
          return (await getBatch(tenantId, batch.id))?.status === 'committed' ? 'committed' : 'abandoned';
        }
        // Only the count moved (another batch committed first): read it again.
      } else if (!isContended(err)) {
        throw err;
      }
      if (attempt >= 8) throw new ServiceUnavailableError({ cause: err });
      await sleep(backoffMs(attempt, { baseMs: 10, capMs: 640 }));
    }
  }
}

/** pending -> abandoned, so the batch can never commit; false when it is not pending. */
export async function abandonBatch(tenantId: string, batchId: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: batchKey(tenantId, batchId),
        UpdateExpression: 'SET #status = :abandoned',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':abandoned': 'abandoned', ':pending': 'pending' },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/**
 * Deletes an abandoned batch's codes that are still its own (a string that collided belongs to
 * another code), 25 per request, stopping early when `stop()` says so; answers how many were
 * deleted and whether it got through them all.
 */
export async function deleteBatchCodes(
  tenantId: string,
  batchId: string,
  codes: string[],
  stop: () => boolean = () => false,
): Promise<{ deleted: number; done: boolean }> {
  let deleted = 0;
  let done = true;
  await forEachLimit(chunk(codes, statementsPerRequest * 4), 4, async (part) => {
    if (stop()) {
      done = false;
      return;
    }
    const outcome = await runStatements(
      part.map((code) => {
        const key = codeKey(tenantId, code);
        // RETURNING: a DELETE of an absent item succeeds too; only a returned item was deleted.
        return { Statement: `DELETE FROM "${table()}" WHERE pk = ? AND sk = ? AND batch = ? RETURNING ALL OLD *`, Parameters: [key.pk, key.sk, batchId] };
      }),
    );
    // ConditionalCheckFailed: another batch's code. No item returned: absent (never written, deleted before).
    deleted += outcome.filter((o) => o.code === undefined && o.returned).length;
  });
  return { deleted, done };
}

/** Removes an abandoned batch's own item, once its codes are gone. */
export async function deleteBatch(tenantId: string, batchId: string): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: table(),
        Key: batchKey(tenantId, batchId),
        ConditionExpression: '#status = :abandoned',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':abandoned': 'abandoned' },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}
