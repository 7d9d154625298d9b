/**
 * The units table's reads, reference data and grants (keys: keys.ts, items: model.ts; the
 * assign commands: repository-operations.ts, the reconcile job's: repository-reconcile.ts).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchPutAll } from '../db/batch';
import { db } from '../db/client';
import { isConditionFailed } from '../db/conditions';
import { countAll, queryAll } from '../db/paging';
import { tableName } from '../db/tables';
import { accountKey, assignmentKey, courseKey, loginKey, operationKey } from './keys';
import { int, toAccount, toCourse, toOperation, unitsItems, type Account, type Course, type Operation, type Pair, type UnitsData } from './model';

const table = () => tableName('units');

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
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: operationKey(t, sk), ConsistentRead: true }),
  );
  return Item ? toOperation(Item) : undefined;
}

/** A consistent BatchGet of any number of keys, projected. */
const batchGet = (keys: { pk: string; sk: string }[], projection: string) =>
  batchGetAll(table(), keys, { consistentRead: true, projection });

/** The tenant's courses among `codes`, by code. */
export async function getCourses(t: string, codes: string[]): Promise<Map<string, Course>> {
  // `name` is a reserved word and not needed to assign: left out of the projection.
  const items = await batchGet(codes.map((c) => courseKey(t, c)), 'code, unit_cost');
  return new Map(items.map((i) => [String(i.code), toCourse({ ...i, name: '' })]));
}

/** The tenant's login ids among `ids`. */
export async function findLogins(t: string, ids: number[]): Promise<Set<number>> {
  const items = await batchGet(ids.map((id) => loginKey(t, id)), 'login_id');
  return new Set(items.map((i) => int(i.login_id)));
}

export const pairId = (p: Pair): string => `${p.code}\u0000${p.loginId}`;

/** Which of `pairs` are assigned, and by which operation: pairId -> op id ('' if unknown). */
export async function findAssignments(t: string, pairs: Pair[]): Promise<Map<string, string>> {
  const items = await batchGet(pairs.map((p) => assignmentKey(t, p)), 'course_code, login_id, op_id');
  return new Map(
    items.map((i) => [pairId({ code: String(i.course_code), loginId: int(i.login_id) }), String(i.op_id ?? '')]),
  );
}

/** Assignment items of one course (reconcile and tests). */
export function countAssignments(t: string, code: string): Promise<number> {
  return countAll(partition(assignmentKey(t, { code, loginId: 0 }).pk));
}

// ---- writing reference data and grants -------------------------------------------------

/** Writes (overwrites) an account, courses and logins for a tenant. */
export async function putUnitsData(t: string, data: UnitsData): Promise<void> {
  await batchPutAll(table(), unitsItems(t, data));
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
