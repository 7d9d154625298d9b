/**
 * A generate request's codes as one batch (keys.ts): the batch item is written first (pending,
 * with every code it will write), then the codes, then ONE transaction commits it: the batch
 * becomes `committed` with its listing position, the course's count moves on and the blocks
 * that list the codes are written. Before that commit no code of the batch exists for the API
 * (repository.ts `visibility`), and a batch that never commits is found again (gsi2, key
 * PENDING) and discarded by the hourly job: whatever stops a request, no code is left that
 * nobody was given.
 *
 * The pending batch is a claim of lib/db/claim.ts: the request attempt writing it holds it
 * (`claim_owner`) until `expiresAt` (the claim's `until`, also gsi2's sort key, so a lapsed claim
 * is what the job finds). Taking it creates the batch, or takes over one an earlier attempt of
 * the same keyed request gave back (generate.ts: resumed); replacing a code, recording progress,
 * committing (the claim completed) and abandoning are done only by the holder; the job takes
 * over a lapsed claim to abandon the batch.
 *
 * Codes are written with PartiQL INSERT in BatchExecuteStatement, 25 per request: INSERT fails
 * on an existing key (DuplicateItem), which BatchWriteItem cannot do, and costs a plain write
 * (1 WRU per code) where a transaction costs two. Atomicity across codes is not needed: the
 * batch commit is what makes them visible.
 */
import { BatchExecuteStatementCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/batch';
import { completeItem, renew, take, whileHeld, type ClaimRef } from '../db/claim';
import { db } from '../db/client';
import { chunk, forEachLimit } from '../db/concurrency';
import { cancellation, isConditionFailed, isContended } from '../db/conditions';
import { withRetry } from '../db/retry';
import { ServiceUnavailableError } from '../errors';
import { batchKey, blockKey, blockSize, codeKey, pendingKey } from './keys';
import { blockItem, codeItem, type PendingBatch } from './items';
import type { CodeRecord } from './model';
import { expiryItems } from './counts';
import { getCourseListing, moveCount } from './repository';
import type { TransactItem } from '../db/types';
import { enrollmentTable as table } from '../db/tables';

export const statementsPerRequest = 25; // the BatchExecuteStatement limit
const statementAttempts = 6;
// Per-statement errors that say nothing about the data: send that statement again.
const retryableStatement = new Set(['ProvisionedThroughputExceeded', 'ThrottlingError', 'RequestLimitExceeded', 'InternalServerError', 'TransactionConflict']);

/** The batch item as a claim: its holder is a request attempt (or the job), its lease ends at `expiresAt`. */
const claimOf = (tenantId: string, batchId: string): ClaimRef => ({ table: table(), key: batchKey(tenantId, batchId), until: 'expiresAt' });

export type BatchTake =
  /** Held by `attempt` now: a new batch, or (`resumed`) one an earlier attempt gave back, with what it recorded. */
  | { kind: 'taken'; resumed?: { createdAt: string; codes: string[]; done: number[] } }
  | { kind: 'committed'; createdAt: string; start: number; count: number }
  | { kind: 'abandoned' }
  /** Another attempt holds it and its lease has not run out. */
  | { kind: 'held' };

/**
 * Takes the batch `batch.id` for `attempt`: creates it pending (with every code it will write)
 * if absent, or takes over a pending one whose claim was given back or lapsed (then its own
 * codes, creation time and recorded progress are answered, and what this call sent is ignored).
 */
export async function takeBatch(tenantId: string, batch: PendingBatch, attempt: string, now: string): Promise<BatchTake> {
  const taken = await take(claimOf(tenantId, batch.id), {
    owner: attempt,
    now,
    until: batch.staleAt,
    extra: {
      set: [
        'courseId = if_not_exists(courseId, :course)',
        '#status = if_not_exists(#status, :pending)',
        'createdAt = if_not_exists(createdAt, :created)',
        '#count = if_not_exists(#count, :count)',
        'codes = if_not_exists(codes, :codes)',
        'gsi2pk = :index',
      ],
      condition: 'attribute_not_exists(#status) OR #status = :pending',
      names: { '#status': 'status', '#count': 'count' },
      values: { ':course': batch.courseId, ':pending': 'pending', ':created': batch.createdAt, ':count': batch.codes.length, ':codes': batch.codes, ':index': pendingKey },
    },
    returnOld: true,
    returnPrevious: true,
  });
  if (taken.taken) {
    const old = taken.previous;
    if (!old) return { kind: 'taken' };
    const done = old.done instanceof Set ? [...(old.done as Set<number>)].map(Number) : [];
    return { kind: 'taken', resumed: { createdAt: String(old.createdAt), codes: (old.codes as string[] | undefined) ?? [], done } };
  }
  const item = taken.item;
  if (item?.status === 'committed') return { kind: 'committed', createdAt: String(item.createdAt), start: Number(item.start), count: Number(item.count) };
  if (item?.status === 'pending' || item === undefined) return { kind: 'held' };
  return { kind: 'abandoned' };
}

/**
 * Gives the batch back (its lease ends now), with the chunks whose codes are all written: the
 * next attempt of the same request takes it over and writes only the rest. Still pending and
 * indexed, so if no attempt comes the job discards it like any other.
 */
export async function yieldBatch(tenantId: string, batchId: string, attempt: string, done: number[], now: string): Promise<boolean> {
  const held = await renew(claimOf(tenantId, batchId), attempt, now, done.length > 0 ? { add: ['done :done'], values: { ':done': new Set(done) } } : undefined);
  return held !== false;
}

/** The codes of a committed batch, in listing order: its blocks from `start` (keys.ts). */
export async function committedCodes(tenantId: string, courseId: string, start: number, count: number): Promise<string[]> {
  const keys = Array.from({ length: Math.ceil(count / blockSize) }, (_, k) => blockKey(tenantId, courseId, start + k * blockSize));
  const blocks = await batchGetAll(table(), keys, { consistentRead: true });
  const bySk = new Map(blocks.map((b) => [String(b.sk), (b.codes as string[] | undefined) ?? []]));
  return keys.flatMap((k) => bySk.get(k.sk) ?? []);
}

export interface BatchState {
  status: 'pending' | 'committed' | 'abandoned' | 'discarded';
  courseId: string;
  codes: string[];
}

export async function getBatch(tenantId: string, batchId: string): Promise<BatchState | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: batchKey(tenantId, batchId), ConsistentRead: true }));
  if (!Item) return undefined;
  return { status: Item.status as BatchState['status'], courseId: String(Item.courseId), codes: (Item.codes as string[] | undefined) ?? [] };
}

/** Each statement's error code (undefined: it applied) and whether it returned an item (`RETURNING ALL OLD *`). */
type StatementOutcome = { code?: string; returned: boolean };

/** Some statements of a request were not judged on their data: send those again. */
class Unjudged extends Error {}

/** Whether to stop sending (the request's time is running out): a request not sent is a 503. */
export type Stop = () => boolean;
const never: Stop = () => false;

/**
 * Runs statements 25 per request, sending again (after a pause) those DynamoDB did not judge
 * on their data; answers each statement's outcome. Sends nothing more once `stop()` says so.
 */
async function runStatements(statements: { Statement: string; Parameters: unknown[] }[], stop: Stop = never): Promise<StatementOutcome[]> {
  const outcome: StatementOutcome[] = [];
  await Promise.all(
    chunk(statements.map((s, i) => ({ s, i })), statementsPerRequest).map(async (part) => {
      let pending = part;
      await withRetry(
        async () => {
          if (stop()) throw new ServiceUnavailableError();
          const { Responses = [] } = await db().send(new BatchExecuteStatementCommand({ Statements: pending.map((p) => p.s) }));
          const again: typeof pending = [];
          pending.forEach((p, j) => {
            const code = Responses[j]?.Error?.Code;
            if (code && retryableStatement.has(code)) again.push(p);
            else outcome[p.i] = { code, returned: Responses[j]?.Item !== undefined };
          });
          pending = again;
          if (again.length > 0) throw new Unjudged();
        },
        { attempts: statementAttempts, retryIf: (err) => err instanceof Unjudged, onExhausted: () => new ServiceUnavailableError() },
      );
    }),
  );
  return outcome;
}

/** Writes up to 100 codes of a pending batch; answers the indexes (into `entries`) of codes that already exist. */
export async function insertBatchCodes(tenantId: string, batch: string, entries: { record: CodeRecord; idx: number }[], stop: Stop = never): Promise<number[]> {
  const statements = entries.map(({ record, idx }) => {
    const item = codeItem(tenantId, record, { batch, idx });
    const names = Object.keys(item);
    return { Statement: `INSERT INTO "${table()}" VALUE {${names.map((n) => `'${n}': ?`).join(', ')}}`, Parameters: Object.values(item) };
  });
  const outcome = await runStatements(statements, stop);
  const duplicates: number[] = [];
  outcome.forEach(({ code }, i) => {
    if (code === 'DuplicateItem') duplicates.push(i);
    else if (code) throw new Error(`Code insert failed: ${code}`);
  });
  if (duplicates.length === 0) return [];
  if (stop()) throw new ServiceUnavailableError();
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

/**
 * Records a replacement for the code at `idx` (after a collision), before that code is written,
 * if `attempt` still holds the batch; a 503 otherwise (another attempt took it over: it goes on).
 */
export async function replaceBatchCode(tenantId: string, batchId: string, attempt: string, idx: number, code: string): Promise<void> {
  const held = await whileHeld(claimOf(tenantId, batchId), attempt, {
    set: [`codes[${idx}] = :code`],
    condition: '#status = :pending',
    names: { '#status': 'status' },
    values: { ':code': code, ':pending': 'pending' },
  });
  if (held === false) throw new ServiceUnavailableError();
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
  holder: string,
  knownCount?: number,
  stop: Stop = never,
): Promise<'committed' | 'abandoned'> {
  return withRetry(
    async (attempt) => {
      if (stop()) throw new ServiceUnavailableError();
      const count = (attempt === 1 ? knownCount : undefined) ?? (await getCourseListing(tenantId, batch.courseId)).count;
      const items: TransactItem[] = [
        moveCount(tenantId, batch.courseId, count, count + batch.codes.length),
        // The claim completed (its lease, expiresAt, removed): only the holder commits, once.
        completeItem(claimOf(tenantId, batch.id), holder, {
          set: ['#status = :committed', '#start = :start'],
          remove: ['codes', 'gsi2pk', 'done'],
          condition: '#status = :pending',
          names: { '#status': 'status', '#start': 'start' },
          values: { ':committed': 'committed', ':pending': 'pending', ':start': count },
        }),
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
        if (cancelled && !cancelled.contended && cancelled.conditionFailedAt.includes(1)) {
          return (await getBatch(tenantId, batch.id))?.status === 'committed' ? 'committed' : 'abandoned';
        }
        throw err;
      }
    },
    {
      attempts: 8,
      baseMs: 10,
      capMs: 640,
      // Only the count moved (another batch committed first: read it again), or contention.
      retryIf: (err) => {
        const cancelled = cancellation(err);
        return (cancelled !== undefined && !cancelled.contended) || isContended(err);
      },
      onExhausted: (err) => new ServiceUnavailableError({ cause: err }),
    },
  );
}

/** Who abandons a batch: the attempt holding it (its request failed), or the job once the claim lapsed. */
export type Abandoner = { holder: string } | { job: string; now: string };

/**
 * pending -> abandoned, so the batch can never commit: by its holder, or by the job taking over
 * a lapsed claim (its lease set to `now`, so the batch stays in the index until it is gone).
 * False when it is not pending or someone else holds it.
 */
export async function abandonBatch(tenantId: string, batchId: string, by: Abandoner): Promise<boolean> {
  const abandon = { set: ['#status = :abandoned'], condition: '#status = :pending', names: { '#status': 'status' }, values: { ':abandoned': 'abandoned', ':pending': 'pending' } };
  const ref = claimOf(tenantId, batchId);
  if ('holder' in by) return (await whileHeld(ref, by.holder, abandon)) !== false;
  return (await take(ref, { owner: by.job, now: by.now, until: by.now, extra: abandon })).taken;
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

/**
 * Ends an abandoned batch once its codes are gone: `discarded`, out of the index, its code list
 * dropped. The small item stays, so a batch id (generate.ts derives a keyed request's from its
 * key) is never used twice: a code a frozen attempt writes late can never join a later batch.
 */
export async function deleteBatch(tenantId: string, batchId: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: batchKey(tenantId, batchId),
        UpdateExpression: 'SET #status = :discarded REMOVE codes, gsi2pk, expiresAt, done',
        ConditionExpression: '#status = :abandoned',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':abandoned': 'abandoned', ':discarded': 'discarded' },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}
