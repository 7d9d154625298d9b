/**
 * The units table's reads and the one repair of the daily reconcile job (reconcile.ts).
 * Keys come from keys.ts. Reads project only what the recount needs: a ledger entry
 * can hold a thousand pairs.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { isConditionFailed } from '../db/conditions';
import { queryAll } from '../db/paging';
import { unitsTable as table } from '../db/tables';
import { accountKey, operationKey, tenantOfAccountPk } from './keys';
import { assignedPrefix, int, type Account, type OperationStatus } from './model';
import type { Cursor } from '../db/types';



export interface AccountRef {
  tenantId: string;
  /** The account item's key: where a scan resumes after it. */
  key: Cursor;
}

/** One page of a scan over every tenant's account item. */
export async function scanAccounts(start?: Cursor): Promise<{ accounts: AccountRef[]; next?: Cursor }> {
  const page = await db().send(
    new ScanCommand({
      TableName: table(),
      FilterExpression: 'sk = :account',
      ProjectionExpression: 'pk, sk',
      ExpressionAttributeValues: { ':account': accountKey('').sk },
      Limit: 500,
      ExclusiveStartKey: start,
    }),
  );
  const accounts: AccountRef[] = [];
  for (const item of page.Items ?? []) {
    const tenantId = tenantOfAccountPk(String(item.pk));
    if (tenantId !== undefined) accounts.push({ tenantId, key: { pk: item.pk, sk: item.sk } });
  }
  return { accounts, next: page.LastEvaluatedKey };
}

/** A partition, projected, read consistently. */
function queryProjected(pk: string, projection: string, names?: Record<string, string>) {
  return queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ProjectionExpression: projection,
    ...(names ? { ExpressionAttributeNames: names } : {}),
    ConsistentRead: true,
  });
}

export interface Ledger {
  statusOf: Map<string, OperationStatus>;
  /** Units charged by committed operations: what units_used must be. */
  committedUnits: number;
}

export async function readLedger(t: string): Promise<Ledger> {
  const items = await queryProjected(operationKey(t, '').pk, 'op_id, #status, #units', { '#status': 'status', '#units': 'units' });
  const statusOf = new Map<string, OperationStatus>();
  let committedUnits = 0;
  for (const item of items) {
    const status = String(item.status) as OperationStatus;
    statusOf.set(String(item.op_id), status);
    if (status === 'committed') committedUnits += int(item.units);
  }
  return { statusOf, committedUnits };
}

/**
 * Sets the drifted values (units_used and/or per-course counts) on condition that the account
 * claim is free, no operation took it since `seen` was read (`lock_count` unchanged) and
 * each value still holds what `seen` read. With no operation started since the read (made with
 * the claim free), the ledger and the buckets counted after it held exactly the committed
 * pairs: no pair of an operation that was undone afterwards is counted. False otherwise.
 */
export async function repairAccountCounts(
  t: string,
  seen: Account,
  fixes: { unitsUsed?: number; assigned: Record<string, number> },
): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const conditions = ['attribute_not_exists(lock_op)'];
  values[':epoch'] = seen.claimEpoch ?? 0;
  conditions.push(seen.claimEpoch === undefined ? '(attribute_not_exists(lock_count) OR lock_count = :epoch)' : 'lock_count = :epoch');
  const fix = (name: string, to: number, was: number | undefined, i: number) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = to;
    sets.push(`#f${i} = :f${i}`);
    if (was === undefined || was === 0) {
      // absent reads as 0
      values[`:w${i}`] = 0;
      conditions.push(`(attribute_not_exists(#f${i}) OR #f${i} = :w${i})`);
    } else {
      values[`:w${i}`] = was;
      conditions.push(`#f${i} = :w${i}`);
    }
  };
  if (fixes.unitsUsed !== undefined) fix('units_used', fixes.unitsUsed, seen.unitsUsed, 0);
  Object.entries(fixes.assigned).forEach(([code, n], i) => fix(assignedPrefix + code, n, seen.assigned[code], i + 1));
  if (sets.length === 0) return true;
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: accountKey(t),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}
