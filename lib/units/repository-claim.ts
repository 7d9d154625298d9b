/**
 * The tenant's assign claim, every read and write of it: a claim of lib/db/claim.ts on the account
 * item, taken with the operation's pending record, renewed while the holder works, marked
 * aborting by an undo, released with the operation's end (the commit releases it too:
 * repository-assign.ts `commitOperation`, through `claimOf`). docs/UNITS.md says why each condition
 * is what it is.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { releaseItem, release, renew, takeItem, type ClaimRef } from '../db/claim';
import { db } from '../db/client';
import { isConditionFailed, reasonsOrThrow } from '../db/conditions';
import { unitsTable as table } from '../db/tables';
import type { TransactItem } from '../db/types';
import { accountKey, operationKey } from './keys';
import { operationItem, toAccount, type Claim, type Operation, type OperationStatus } from './model';

const transact = (items: TransactItem[]) => db().send(new TransactWriteCommand({ TransactItems: items }));

/**
 * The tenant's claim on the account item: `lock_op` owns it until `lock_until`; `lock_count`
 * numbers the takes (the reconcile job's repair condition). The attributes keep their names from
 * when this was called the lock (renaming them would change stored items; keys.ts).
 */
export const claimOf = (t: string): ClaimRef => ({ table: table(), key: accountKey(t), owner: 'lock_op', until: 'lock_until', epoch: 'lock_count' });

/**
 * Takes the tenant's claim for `op` until `until` and records the operation as pending, in one
 * transaction, so a claim always names an operation that exists. Creates a zero account if
 * there is none. Not acquired: `holder` is the current claim when the claim was the reason.
 */
export async function takeClaim(t: string, op: Operation, until: number): Promise<{ acquired: boolean; holder?: Claim }> {
  try {
    await transact([
      // Taken only if absent: a lapsed holder is undone first (operation.ts), never simply taken over.
      takeItem(claimOf(t), {
        owner: op.opId,
        until,
        now: Date.now(),
        lapsed: false,
        extra: {
          set: [
            'lock_sk = :sk',
            'units_available = if_not_exists(units_available, :zero)',
            'units_used = if_not_exists(units_used, :zero)',
            'units_owed = if_not_exists(units_owed, :zero)',
            'extra_payment = if_not_exists(extra_payment, :false)',
          ],
          values: { ':sk': op.sk, ':zero': 0, ':false': false },
        },
        returnOld: true,
      }),
      { Put: { TableName: table(), Item: operationItem(t, op), ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return { acquired: true };
  } catch (err) {
    const [account, opItem] = reasonsOrThrow(err);
    if (opItem?.Code === 'ConditionalCheckFailed') throw new Error(`operation ${op.sk} exists already`, { cause: err });
    const holder = account?.Code === 'ConditionalCheckFailed' && account.Item ? unmarshall(account.Item) : undefined;
    return { acquired: false, ...(holder ? { holder: toAccount(holder).claim } : {}) };
  }
}

/**
 * Moves the lease of `op` on to `until`; false when the claim is no longer its own or an undo of
 * the operation has begun (`lock_aborting`, set by markAborting before anything else): the holder
 * must write nothing more, since the undo may have read the journal before the holder's last
 * journal write landed.
 */
export async function renewClaim(t: string, op: Pick<Operation, 'opId' | 'sk'>, until: number): Promise<boolean> {
  return (await renew(claimOf(t), op.opId, until, { condition: 'attribute_not_exists(lock_aborting)' })) !== false;
}

/** Frees a claim that names no operation (cannot happen by construction; kept so it can never wedge a tenant). */
export async function clearClaim(t: string, opId: string): Promise<void> {
  await release(claimOf(t), opId, { remove: ['lock_sk', 'lock_aborting'] });
}

/**
 * The first step of every undo: the claim marked `lock_aborting` (no more renewals), then the
 * operation pending -> aborting, so the holder (if it is still alive somehow) can no longer
 * write or commit. Returns the status the operation has afterwards ('missing' if none).
 */
export async function markAborting(t: string, op: Operation): Promise<OperationStatus | 'missing'> {
  // First the claim: from now on its holder can renew no more (renewClaim), so it writes nothing
  // after this undo reads the journal. Refused when the claim is no longer the operation's.
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: accountKey(t),
        UpdateExpression: 'SET lock_aborting = :op',
        ConditionExpression: 'lock_op = :op',
        ExpressionAttributeValues: { ':op': op.opId },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
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
 * Frees the claim and marks the operation aborted with `reason`, atomically, once its
 * assignments are gone. False when someone else released it already (idempotent).
 */
export async function releaseOperation(t: string, op: Operation, reason: string, at: string): Promise<boolean> {
  try {
    await transact([
      releaseItem(claimOf(t), op.opId, { remove: ['lock_sk', 'lock_aborting'] }),
      {
        Update: {
          TableName: table(),
          Key: operationKey(t, op.sk),
          UpdateExpression: 'SET #status = :aborted, #reason = :reason, #at = :at',
          ConditionExpression: '#status IN (:pending, :aborting)',
          ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason', '#at': 'aborted_at' },
          ExpressionAttributeValues: { ':aborted': 'aborted', ':pending': 'pending', ':aborting': 'aborting', ':reason': reason, ':at': at },
        },
      },
    ]);
    return true;
  } catch (err) {
    if (reasonsOrThrow(err).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
    throw err;
  }
}
