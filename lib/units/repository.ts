/**
 * The units table's reads, reference data and grants (keys: keys.ts, items: model.ts, bucket
 * sets: repository-buckets.ts; the assign commands: repository-assign.ts, the reconcile
 * job's: repository-reconcile.ts).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchPutAll } from '../db/batch';
import { db } from '../db/client';
import { forEachLimit } from '../db/concurrency';
import { isConditionFailed } from '../db/conditions';
import { queryAll } from '../db/paging';
import { unitsTable as table } from '../db/tables';
import { accountKey, assignmentsPk, bucketOf, courseKey, loginBucketKey, loginsPk, operationKey } from './keys';
import { accountItem, courseItem, toAccount, toCourse, toOperation, type Account, type Course, type Operation, type UnitsData } from './model';
import { addToBucket, groupByBucket, readAllIds, readBuckets } from './repository-buckets';


// ---- reading ----------------------------------------------------------------------------

/** The account, read consistently; undefined when the tenant has none yet. */
export async function getAccount(t: string): Promise<Account | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: accountKey(t), ConsistentRead: true }));
  return Item ? toAccount(Item) : undefined;
}

const partition = (pk: string) => ({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } });

/** Every course of the tenant, ordered by code. */
export async function listCourses(t: string): Promise<Course[]> {
  return (await queryAll(partition(courseKey(t, '').pk))).map(toCourse);
}

/** Every operation of the tenant, oldest first. */
export async function listOperations(t: string): Promise<Operation[]> {
  return (await queryAll(partition(operationKey(t, '').pk))).map(toOperation);
}

export async function getOperation(t: string, sk: string): Promise<Operation | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: operationKey(t, sk), ConsistentRead: true }));
  return Item ? toOperation(Item) : undefined;
}

/**
 * The tenant's courses among `codes`, by code. Reference data, read eventually consistent
 * (half the price): a course imported less than a second ago may not be seen yet.
 */
export async function getCourses(t: string, codes: string[]): Promise<Map<string, Course>> {
  // `name` is a reserved word and not needed to assign: left out of the projection.
  const items = await batchGetAll(table(), codes.map((c) => courseKey(t, c)), { projection: 'code, unit_cost' });
  return new Map(items.map((i) => [String(i.code), toCourse({ ...i, name: '' })]));
}

/** The tenant's login ids among `ids` (reference data, eventually consistent like courses). */
export async function findLogins(t: string, ids: number[]): Promise<Set<number>> {
  const stored = await readBuckets(loginsPk(t), [...groupByBucket(ids).keys()], false);
  return new Set(ids.filter((id) => stored.get(bucketOf(id))?.has(id)));
}

/** The login ids assigned course `code` (reconcile and tests). */
export function listAssignments(t: string, code: string): Promise<number[]> {
  return readAllIds(assignmentsPk(t, code));
}

/** How many logins are assigned course `code` (reconcile and tests). */
export async function countAssignments(t: string, code: string): Promise<number> {
  return (await listAssignments(t, code)).length;
}

// ---- writing reference data and grants -------------------------------------------------

/** Adds login ids to the tenant's logins (set union per bucket: importing again changes nothing). */
export async function addLogins(t: string, ids: number[]): Promise<void> {
  await forEachLimit([...groupByBucket(ids)], 8, async ([bucket, group]) => {
    await addToBucket(loginBucketKey(t, bucket), group);
  });
}

/**
 * The transaction item that makes `id` a login of the tenant (what assign_units checks): the id
 * joins its bucket's set; refused (ConditionalCheckFailed) when it is one already.
 */
export const loginClaim = (t: string, id: number) => ({
  Update: {
    TableName: table(),
    Key: loginBucketKey(t, bucketOf(id)),
    UpdateExpression: 'ADD ids :ids',
    ConditionExpression: 'NOT contains(ids, :id)',
    ExpressionAttributeValues: { ':ids': new Set([id]), ':id': id },
  },
});

/** Writes (overwrites) an account and courses, and adds logins, for a tenant. */
export async function putUnitsData(t: string, data: UnitsData): Promise<void> {
  await batchPutAll(table(), [
    ...(data.account ? [accountItem(t, data.account)] : []),
    ...(data.courses ?? []).map((c) => courseItem(t, c)),
  ]);
  await addLogins(t, data.logins ?? []);
}

/**
 * Sets owed and adds to available, provided owed is still `expectedOwed` (optimistic: a commit
 * may add owed at the same time). Creates the account if absent. False when owed changed.
 */
export async function updateBalanceForGrant(
  t: string,
  expectedOwed: number,
  newOwed: number,
  addAvailable: number,
): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: accountKey(t),
        UpdateExpression:
          'SET units_owed = :owed, units_available = if_not_exists(units_available, :zero) + :add, ' +
          'units_used = if_not_exists(units_used, :zero), extra_payment = if_not_exists(extra_payment, :false)',
        ConditionExpression: 'units_owed = :expected OR (attribute_not_exists(units_owed) AND :expected = :zero)',
        ExpressionAttributeValues: {
          ':owed': newOwed,
          ':add': addAvailable,
          ':zero': 0,
          ':false': false,
          ':expected': expectedOwed,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}
