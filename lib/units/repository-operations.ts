/**
 * The units table's operation commands: the tenant lock, assignment chunks, commit and release.
 * Part of the repository (keys: keys.ts, items: model.ts); every invariant is a condition here.
 * See docs/UNITS.md for why each condition is what it is.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from '../db/client';
import { cancellation, isConditionFailed, type CancellationReason } from '../db/conditions';
import { tableName } from '../db/tables';
import { accountKey, assignmentKey, operationKey } from './keys';
import {
  assignedPrefix,
  assignmentItem,
  operationItem,
  toAccount,
  type Lock,
  type Operation,
  type OperationStatus,
  type Pair,
} from './model';

const table = () => tableName('units');

type Reason = CancellationReason;

/** Codes that mean "this item was fine, the transaction failed for another reason: send it again". */
const retryable = new Set(['None', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** The per-item reasons of a cancelled transaction (lib/db/conditions.ts); rethrows anything else. */
function reasonsOf(err: unknown): Reason[] {
  const cancelled = cancellation(err);
  if (!cancelled) throw err;
  return cancelled.reasons;
}

const old = (r: Reason | undefined) => (r?.Item ? unmarshall(r.Item) : undefined);

/** A transaction: its items, then the outcome. */
const transact = (items: Record<string, unknown>[]) => db().send(new TransactWriteCommand({ TransactItems: items }));

/** One update of the tenant's account item inside a transaction. */
function accountUpdate(t: string, update: { expression: string; condition: string; values: Record<string, unknown>; names?: Record<string, string>; returnOld?: boolean }) {
  return {
    Update: {
      TableName: table(),
      Key: accountKey(t),
      UpdateExpression: update.expression,
      ConditionExpression: update.condition,
      ...(update.names ? { ExpressionAttributeNames: update.names } : {}),
      ExpressionAttributeValues: update.values,
      ...(update.returnOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}),
    },
  };
}

/**
 * Takes the tenant's lock for `op` and records the operation as pending, in one transaction,
 * so a lock always names an operation that exists. Creates a zero account if there is none.
 * Not acquired: `holder` is the current lock when the lock was the reason.
 */
export async function acquireLock(t: string, op: Operation, until: number): Promise<{ acquired: boolean; holder?: Lock }> {
  try {
    await transact([
      accountUpdate(t, {
        expression:
          'SET lock_op = :op, lock_sk = :sk, lock_until = :until, ' +
          'units_available = if_not_exists(units_available, :zero), units_used = if_not_exists(units_used, :zero), ' +
          'units_owed = if_not_exists(units_owed, :zero), extra_payment = if_not_exists(extra_payment, :false)',
        condition: 'attribute_not_exists(lock_op)',
        values: { ':op': op.opId, ':sk': op.sk, ':until': until, ':zero': 0, ':false': false },
        returnOld: true,
      }),
      { Put: { TableName: table(), Item: operationItem(t, op), ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return { acquired: true };
  } catch (err) {
    const [account, opItem] = reasonsOf(err);
    if (opItem?.Code === 'ConditionalCheckFailed') throw new Error(`operation ${op.sk} exists already`, { cause: err });
    const holder = account?.Code === 'ConditionalCheckFailed' ? old(account) : undefined;
    return { acquired: false, ...(holder ? { holder: toAccount(holder).lock } : {}) };
  }
}

export interface Commit {
  /** The balance the charge was planned on; the commit fails if it changed since. */
  expectedAvailable: number;
  take: number;
  owe: number;
  cost: number;
  perCourse: Record<string, number>;
  pairs: number;
  /** `CODE:login` for small operations; larger ones keep the per-course summary only. */
  pairList?: string[];
  at: string;
}

/**
 * Debits the account, adds the per-course counts, frees the lock and marks the operation
 * committed, atomically. `lost`: the lock or the operation is no longer ours (recovered after
 * the lease ran out): nothing was changed. `balance_changed`: re-read the account and retry.
 */
export async function commitOperation(t: string, op: Operation, c: Commit): Promise<'committed' | 'lost' | 'balance_changed'> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':op': op.opId,
    ':expected': c.expectedAvailable,
    ':take': c.take,
    ':owe': c.owe,
    ':cost': c.cost,
  };
  const adds = Object.entries(c.perCourse).map(([code, n], i) => {
    names[`#a${i}`] = assignedPrefix + code;
    values[`:a${i}`] = n;
    return `#a${i} :a${i}`;
  });
  try {
    await transact([
      accountUpdate(t, {
        expression:
          'SET units_available = units_available - :take, units_owed = units_owed + :owe, ' +
          'units_used = units_used + :cost REMOVE lock_op, lock_sk, lock_until' +
          (adds.length ? ` ADD ${adds.join(', ')}` : ''),
        condition: 'lock_op = :op AND units_available = :expected',
        ...(adds.length ? { names } : {}),
        values,
        returnOld: true,
      }),
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
    ]);
    return 'committed';
  } catch (err) {
    const [account, opItem] = reasonsOf(err);
    if (opItem?.Code === 'ConditionalCheckFailed') return 'lost';
    if (account?.Code === 'ConditionalCheckFailed') {
      const current = old(account);
      return current && current.lock_op === op.opId ? 'balance_changed' : 'lost';
    }
    if ([account, opItem].every((r) => retryable.has(r?.Code ?? 'None'))) return 'balance_changed';
    throw err;
  }
}

/**
 * Recovery's first step: pending -> aborting, so the holder (if it is still alive somehow) can
 * no longer commit. Returns the status the operation has afterwards ('missing' if none).
 */
export async function markAborting(t: string, op: Operation): Promise<OperationStatus | 'missing'> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: operationKey(t, op.sk),
        UpdateExpression: 'SET #status = :aborting',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':aborting': 'aborting', ':pending': 'pending' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'aborting';
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const item = err.Item as Record<string, AttributeValue> | undefined;
    return item ? (unmarshall(item).status as OperationStatus) : 'missing';
  }
}

/**
 * Frees the lock and marks the operation aborted with `reason`, atomically, once its
 * assignments are gone. False when someone else released it already (idempotent).
 */
export async function releaseOperation(t: string, op: Operation, reason: string, at: string): Promise<boolean> {
  try {
    await transact([
      accountUpdate(t, { expression: 'REMOVE lock_op, lock_sk, lock_until', condition: 'lock_op = :op', values: { ':op': op.opId } }),
      {
        Update: {
          TableName: table(),
          Key: operationKey(t, op.sk),
          UpdateExpression: 'SET #status = :aborted, #reason = :reason, #at = :at',
          ConditionExpression: '#status IN (:pending, :aborting)',
          ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason', '#at': 'aborted_at' },
          ExpressionAttributeValues: {
            ':aborted': 'aborted', ':pending': 'pending', ':aborting': 'aborting', ':reason': reason, ':at': at,
          },
        },
      },
    ]);
    return true;
  } catch (err) {
    const reasons = reasonsOf(err);
    if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
    throw err;
  }
}

/** Frees a lock that names no operation (cannot happen by construction; kept so it can never wedge a tenant). */
export async function clearLock(t: string, opId: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: accountKey(t),
        UpdateExpression: 'REMOVE lock_op, lock_sk, lock_until',
        ConditionExpression: 'lock_op = :op',
        ExpressionAttributeValues: { ':op': opId },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}

export interface ChunkResult {
  /** Now assigned by this operation (including ones an earlier, unacknowledged attempt wrote). */
  done: Pair[];
  /** Assigned by someone else (put) or not this operation's (delete): left alone. */
  skipped: Pair[];
  /** Not applied because the transaction failed for another item or a transient reason. */
  retry: Pair[];
}

/** One transaction over at most 100 pairs; per-item condition failures are reported, not thrown. */
async function chunkTransaction(
  pairs: Pair[],
  action: (p: Pair) => Record<string, unknown>,
  isOurs: (old: Record<string, unknown> | undefined) => boolean,
): Promise<ChunkResult> {
  try {
    await transact(pairs.map(action));
    return { done: pairs, skipped: [], retry: [] };
  } catch (err) {
    const reasons = reasonsOf(err);
    const result: ChunkResult = { done: [], skipped: [], retry: [] };
    pairs.forEach((pair, i) => {
      const reason = reasons[i];
      if (reason?.Code === 'ConditionalCheckFailed') (isOurs(old(reason)) ? result.done : result.skipped).push(pair);
      else if (retryable.has(reason?.Code ?? 'None')) result.retry.push(pair);
      else throw err;
    });
    return result;
  }
}

/** Puts assignment items tagged with `opId`, each only if the pair is not assigned yet. */
export function putAssignments(t: string, opId: string, pairs: Pair[], at: string): Promise<ChunkResult> {
  return chunkTransaction(
    pairs,
    (p) => ({
      Put: {
        TableName: table(),
        Item: assignmentItem(t, p, opId, at),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    }),
    (existing) => existing?.op_id === opId,
  );
}

/** Deletes assignment items, each only if it carries `opId`; missing or foreign ones are skipped. */
export function deleteAssignments(t: string, opId: string, pairs: Pair[]): Promise<ChunkResult> {
  return chunkTransaction(
    pairs,
    (p) => ({
      Delete: {
        TableName: table(),
        Key: assignmentKey(t, p),
        ConditionExpression: 'op_id = :op',
        ExpressionAttributeValues: { ':op': opId },
      },
    }),
    () => false,
  );
}
