/**
 * The units table's assign commands: the journal, the fenced bucket writes and their undo, the
 * commit (the tenant's claim is repository-claim.ts). Every invariant is a condition
 * here; docs/UNITS.md says why each is what it is.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { batchGetAll, batchPutAll } from '../db/batch';
import { releaseItem } from '../db/claim';
import { db } from '../db/client';
import { conditionFailedAt, isContended, reasonsOrThrow, type CancellationReason } from '../db/conditions';
import { withRetry } from '../db/retry';
import { unitsTable as table } from '../db/tables';
import { decodeRanges, encodeRanges } from './repository-buckets';
import { claimOf } from './repository-claim';
import { assignmentBucketKey, fingerprintKey, journalKey, operationKey } from './keys';
import { assignedPrefix, type Operation } from './model';
import type { TransactItem } from '../db/types';


const old = (r: CancellationReason | undefined) => (r?.Item ? unmarshall(r.Item) : undefined);

const transact = (items: TransactItem[]) => db().send(new TransactWriteCommand({ TransactItems: items }));


// ---- writing the pairs ----------------------------------------------------------------

/** New login ids of one course in one bucket. */
export interface BucketAdd {
  code: string;
  bucket: number;
  ids: number[];
}

/**
 * The journal: for each course, the ids the operation adds (written before any of them), as
 * ranges: consecutive ids take a few bytes, so a journal item is ~1 WRU.
 */
export async function putJournal(t: string, opId: string, perCourse: Map<string, number[]>): Promise<void> {
  const items = [...perCourse].map(([code, ids]) => ({ ...journalKey(t, code, opId), ids: encodeRanges(ids) }));
  await batchPutAll(table(), items, { concurrency: 8 });
}

/** The journal of `opId` over `codes`: course -> the ids it may have added. */
export async function readJournal(t: string, opId: string, codes: string[]): Promise<Map<string, number[]>> {
  const items = await batchGetAll(table(), codes.map((code) => journalKey(t, code, opId)), { consistentRead: true, projection: 'pk, ids' });
  const byPk = new Map(items.map((i) => [String(i.pk), decodeRanges(String(i.ids))]));
  return new Map(codes.flatMap((code) => {
    const ids = byPk.get(journalKey(t, code, opId).pk);
    return ids ? [[code, ids] as const] : [];
  }));
}

/** One bucket's update with the add's ids as `:ids` (the add, its undo, the add inside a commit). */
function bucketUpdate(t: string, add: BucketAdd, UpdateExpression: string, values: Record<string, unknown> = {}, ConditionExpression?: string): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: assignmentBucketKey(t, add.code, add.bucket),
      UpdateExpression,
      ...(ConditionExpression ? { ConditionExpression } : {}),
      ExpressionAttributeValues: { ...(add.ids.length ? { ':ids': new Set(add.ids) } : {}), ...values },
    },
  };
}

/**
 * Adds the ids to their buckets (one transaction, <= 100 buckets) unless a bucket is fenced
 * against this operation (an undo or recovery of it ran there): a write that arrives after its
 * operation was undone changes nothing. False when fenced. Contention is retried.
 */
export async function writeBuckets(t: string, op: Operation, adds: BucketAdd[]): Promise<boolean> {
  try {
    await withRetry(
      () =>
        transact(
          adds.map((add) => bucketUpdate(t, add, 'ADD ids :ids', { ':op': op.sk }, 'attribute_not_exists(fence) OR fence < :op')),
        ),
      { attempts: 4, retryIf: (err) => isContended(err) && !conditionFailedAt(err).length },
    );
    return true;
  } catch (err) {
    if (conditionFailedAt(err).length) return false;
    throw err;
  }
}

/** Buckets per undo transaction: one item of the 100 is the check that the operation is still aborting. */
export const bucketsPerUndo = 99;

/**
 * Removes the ids from their buckets and fences them against the operation, in one transaction
 * (<= 99 buckets) that also checks the operation is still `aborting`: once it is `aborted` (its
 * claim freed, so a later operation may have added the same pairs and committed), a late undo
 * changes nothing. A fence only moves forward (`fence <= :op`): a late undo can never reopen a
 * bucket to a newer undone operation's in-flight write, and a bucket fenced by a newer operation
 * is left alone (it holds nothing of this one). The ids were not assigned when the operation
 * (holding the claim) planned them, and no other operation writes while it is aborting, so only
 * its own writes are removed. `stale`: the operation is no longer aborting.
 */
export async function undoBuckets(t: string, op: Operation, adds: BucketAdd[]): Promise<'undone' | 'stale'> {
  let left = adds;
  for (let round = 0; left.length > 0; round++) {
    const sending = left;
    try {
      await withRetry(
        () =>
          transact([
            {
              ConditionCheck: {
                TableName: table(),
                Key: operationKey(t, op.sk),
                ConditionExpression: '#status = :aborting',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':aborting': 'aborting' },
              },
            },
            ...sending.map((add) => bucketUpdate(t, add, 'DELETE ids :ids SET fence = :op', { ':op': op.sk }, 'attribute_not_exists(fence) OR fence <= :op')),
          ]),
        { attempts: 6, retryIf: (err) => isContended(err) && !conditionFailedAt(err).length },
      );
      return 'undone';
    } catch (err) {
      const failed = conditionFailedAt(err);
      if (failed.includes(0)) return 'stale';
      if (!failed.length || round >= 3) throw err;
      // A bucket fenced by a newer operation holds nothing of this one (its writes there would
      // have met that fence): leave it as it is, and undo the others.
      left = sending.filter((_, i) => !failed.includes(i + 1));
    }
  }
  return 'undone';
}

/** The add of one bucket inside the commit transaction (small operations write nothing before). */
const bucketInCommit = (t: string, add: BucketAdd): TransactItem => bucketUpdate(t, add, 'ADD ids :ids');

// ---- request fingerprints (fingerprint.ts) -----------------------------------------------

/**
 * True when an operation with this fingerprint committed. Read consistently so that a retry
 * right after the answer finds it; an absent item only means the full path runs.
 */
export async function fingerprintRecorded(t: string, hash: string): Promise<boolean> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: fingerprintKey(t, hash), ConsistentRead: true, ProjectionExpression: 'sk' }));
  return Item !== undefined;
}

/** The record, as an item of the commit transaction of operation `opSk` (a plain put: recording twice is harmless). */
export const fingerprintPut = (t: string, hash: string, opSk: string): TransactItem => ({
  Put: { TableName: table(), Item: { ...fingerprintKey(t, hash), op: opSk } },
});

// ---- commit, abort, release -----------------------------------------------------------

export interface Commit {
  /** The balance the charge was planned on; the commit fails if it changed since. */
  expectedAvailable: number;
  take: number;
  owe: number;
  cost: number;
  perCourse: Record<string, number>;
  pairs: number;
  /** `CODE:login` for small operations; larger ones keep the per-course summary (and their journal). */
  pairList?: string[];
  at: string;
  /** Buckets written inside this transaction (a small operation): at most 98, 97 with a fingerprint. */
  adds: BucketAdd[];
  /** Recorded with the commit: the request's pairs are all assigned from then on (fingerprint.ts). */
  fingerprint?: string;
}

/**
 * Debits the account, adds the per-course counts, frees the claim and marks the operation
 * committed (with the bucket adds of a small operation, and the request's fingerprint),
 * atomically. `lost`: the claim or the operation is no longer ours (recovered after the lease
 * ran out): nothing was changed. `balance_changed`: re-read the account and retry.
 */
export async function commitOperation(t: string, op: Operation, c: Commit): Promise<'committed' | 'lost' | 'balance_changed'> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':expected': c.expectedAvailable, ':take': c.take, ':owe': c.owe, ':cost': c.cost };
  const counts = Object.entries(c.perCourse).map(([code, n], i) => {
    names[`#a${i}`] = assignedPrefix + code;
    values[`:a${i}`] = n;
    return `#a${i} :a${i}`;
  });
  try {
    const release = releaseItem(claimOf(t), op.opId, {
      set: ['units_available = units_available - :take', 'units_owed = units_owed + :owe', 'units_used = units_used + :cost'],
      remove: ['lock_sk', 'lock_aborting'],
      add: counts,
      condition: 'units_available = :expected',
      names,
      values,
    }) as { Update: NonNullable<TransactItem['Update']> };
    await transact([
      // The claim freed by its owner, with the charge, only on the balance the charge was planned on.
      { Update: { ...release.Update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      {
        Update: {
          TableName: table(),
          Key: operationKey(t, op.sk),
          UpdateExpression:
            'SET #status = :committed, #units = :units, #owed = :owed, #pairs = :pairs, #assigned = :assigned, ' +
            '#balance = :balance, #at = :at' + (c.pairList ? ', #list = :list' : ''),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: {
            '#status': 'status', '#units': 'units', '#owed': 'owed', '#pairs': 'pairs', '#assigned': 'assigned',
            '#balance': 'balance_after', '#at': 'committed_at', ...(c.pairList ? { '#list': 'pair_list' } : {}),
          },
          ExpressionAttributeValues: {
            ':committed': 'committed', ':pending': 'pending', ':units': c.cost, ':owed': c.owe, ':pairs': c.pairs,
            ':assigned': c.perCourse, ':balance': c.expectedAvailable - c.take, ':at': c.at,
            ...(c.pairList ? { ':list': c.pairList } : {}),
          },
        },
      },
      ...c.adds.map((add) => bucketInCommit(t, add)),
      ...(c.fingerprint ? [fingerprintPut(t, c.fingerprint, op.sk)] : []),
    ]);
    return 'committed';
  } catch (err) {
    const reasons = reasonsOrThrow(err);
    const [account, opItem] = reasons;
    if (opItem?.Code === 'ConditionalCheckFailed') return 'lost';
    if (account?.Code === 'ConditionalCheckFailed') {
      const current = old(account);
      return current && current.lock_op === op.opId ? 'balance_changed' : 'lost';
    }
    if (reasons.every((r) => ['None', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded'].includes(r.Code ?? 'None'))) {
      return 'balance_changed';
    }
    throw err;
  }
}
