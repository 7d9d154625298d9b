/**
 * The units table: the only module that knows its keys and commands (docs/UNITS.md).
 *
 *   T#<t>#ACCOUNT        / ACCOUNT             units_available, units_used, units_owed, extra_payment,
 *                                              assigned:<code> (per-course count), lock_op, lock_sk, lock_until
 *   T#<t>#COURSES        / COURSE#<code>       code, name, unit_cost
 *   T#<t>#LOGINS         / LOGIN#<id>          login_id
 *   T#<t>#ASSIGN#<code>  / LOGIN#<id>          course_code, login_id, op_id, assigned_at
 *   T#<t>#LEDGER         / OP#<iso>#<op id>    the operation: pending -> committed | aborted (the ledger entry)
 *
 * Per-course counters live on the account item so that a commit, whatever the number of
 * courses, is one two-item transaction (account + operation).
 */
import { BatchGetCommand, BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { tableName } from '../db/tables';
import { ServiceUnavailableError } from '../errors';
import { chunk, forEachLimit, sleep } from './concurrency';

export interface Course {
  code: string;
  name: string;
  unitCost: number;
}

export interface Lock {
  opId: string;
  sk: string;
  /** Epoch ms after which the holder is presumed dead and may be recovered. */
  until: number;
}

export interface Account {
  unitsAvailable: number;
  unitsUsed: number;
  unitsOwed: number;
  extraPayment: boolean;
  /** Assignments per course code. */
  assigned: Record<string, number>;
  lock?: Lock;
}

export interface Pair {
  code: string;
  loginId: number;
}

export type OperationStatus = 'pending' | 'aborting' | 'committed' | 'aborted';

export interface Operation {
  opId: string;
  sk: string;
  status: OperationStatus;
  createdAt: string;
  /** What was asked (deduplicated, all known): the candidate pairs are their product. */
  courseCodes: string[];
  loginIds: number[];
  /** Who asked: the tenant, the credential kind and the request. */
  who: Record<string, string>;
  /** Set once committed. */
  units?: number;
  owed?: number;
  pairs?: number;
  reason?: string;
}

/** Reference data for one tenant (tests, the demo seed, an import). */
export interface UnitsData {
  account?: { unitsAvailable: number; extraPayment: boolean; unitsUsed?: number; unitsOwed?: number };
  courses?: { code: string; name: string; unitCost?: number }[];
  logins?: number[];
}

const table = () => tableName('units');
/** Account attribute holding a course's assignment count: `assigned:<code>`. */
export const assignedPrefix = 'assigned:';

// ---- keys and items -------------------------------------------------------------------

export const accountKey = (t: string) => ({ pk: `T#${t}#ACCOUNT`, sk: 'ACCOUNT' });
export const courseKey = (t: string, code: string) => ({ pk: `T#${t}#COURSES`, sk: `COURSE#${code}` });
export const loginKey = (t: string, id: number) => ({ pk: `T#${t}#LOGINS`, sk: `LOGIN#${id}` });
export const assignmentKey = (t: string, p: Pair) => ({ pk: `T#${t}#ASSIGN#${p.code}`, sk: `LOGIN#${p.loginId}` });
const ledgerPk = (t: string) => `T#${t}#LEDGER`;
export const operationKey = (t: string, sk: string) => ({ pk: ledgerPk(t), sk });
export const operationSk = (createdAt: string, opId: string) => `OP#${createdAt}#${opId}`;

export const accountItem = (t: string, a: NonNullable<UnitsData['account']>) => ({
  ...accountKey(t),
  units_available: a.unitsAvailable,
  units_used: a.unitsUsed ?? 0,
  units_owed: a.unitsOwed ?? 0,
  extra_payment: a.extraPayment,
});

export const courseItem = (t: string, c: NonNullable<UnitsData['courses']>[number]) => ({
  ...courseKey(t, c.code),
  code: c.code,
  name: c.name,
  unit_cost: c.unitCost ?? 1,
});

export const loginItem = (t: string, id: number) => ({ ...loginKey(t, id), login_id: id });

export const assignmentItem = (t: string, p: Pair, opId: string, at: string) => ({
  ...assignmentKey(t, p),
  course_code: p.code,
  login_id: p.loginId,
  op_id: opId,
  assigned_at: at,
});

export function unitsItems(t: string, data: UnitsData): Record<string, unknown>[] {
  return [
    ...(data.account ? [accountItem(t, data.account)] : []),
    ...(data.courses ?? []).map((c) => courseItem(t, c)),
    ...(data.logins ?? []).map((id) => loginItem(t, id)),
  ];
}

// ---- reading ----------------------------------------------------------------------------

/** NumberValue (exact decimal string) or number -> number; units are integers. */
export const int = (v: unknown): number => (v === undefined || v === null ? 0 : Number(String(v)));

export function toAccount(item: Record<string, unknown>): Account {
  const assigned: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(assignedPrefix)) assigned[name.slice(assignedPrefix.length)] = int(value);
  }
  return {
    unitsAvailable: int(item.units_available),
    unitsUsed: int(item.units_used),
    unitsOwed: int(item.units_owed),
    extraPayment: item.extra_payment === true,
    assigned,
    ...(item.lock_op === undefined
      ? {}
      : { lock: { opId: String(item.lock_op), sk: String(item.lock_sk), until: int(item.lock_until) } }),
  };
}

const toCourse = (item: Record<string, unknown>): Course => ({
  code: String(item.code),
  name: String(item.name),
  unitCost: int(item.unit_cost),
});

export function toOperation(item: Record<string, unknown>): Operation {
  return {
    opId: String(item.op_id),
    sk: String(item.sk),
    status: item.status as OperationStatus,
    createdAt: String(item.created_at),
    courseCodes: (item.course_codes as unknown[]).map(String),
    loginIds: (item.login_ids as unknown[]).map(int),
    who: item.who as Record<string, string>,
    ...(item.units === undefined ? {} : { units: int(item.units), owed: int(item.owed), pairs: int(item.pairs) }),
    ...(item.reason === undefined ? {} : { reason: String(item.reason) }),
  };
}

/** The account, read consistently; undefined when the tenant has none yet. */
export async function getAccount(t: string): Promise<Account | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: accountKey(t), ConsistentRead: true }));
  return Item ? toAccount(Item) : undefined;
}

async function queryAll(pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every course of the tenant, ordered by code. */
export async function listCourses(t: string): Promise<Course[]> {
  return (await queryAll(courseKey(t, '').pk)).map(toCourse);
}

/** Every operation of the tenant, oldest first. */
export async function listOperations(t: string): Promise<Operation[]> {
  return (await queryAll(ledgerPk(t))).map(toOperation);
}

export async function getOperation(t: string, sk: string): Promise<Operation | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: operationKey(t, sk), ConsistentRead: true }),
  );
  return Item ? toOperation(Item) : undefined;
}

/** BatchGet of any number of keys (100 per call, a few calls in flight), retrying unprocessed keys. */
async function batchGet(keys: { pk: string; sk: string }[], projection: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await forEachLimit(chunk(keys, 100), 16, async (batch) => {
    let pending: Record<string, unknown>[] = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
      if (attempt > 8) throw new ServiceUnavailableError();
      const res = await db().send(
        new BatchGetCommand({
          RequestItems: { [table()]: { Keys: pending, ConsistentRead: true, ProjectionExpression: projection } },
        }),
      );
      found.push(...(res.Responses?.[table()] ?? []));
      pending = res.UnprocessedKeys?.[table()]?.Keys ?? [];
    }
  });
  return found;
}

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
export async function countAssignments(t: string, code: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': assignmentKey(t, { code, loginId: 0 }).pk },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

// ---- writing reference data and grants -------------------------------------------------

/** Writes (overwrites) an account, courses and logins for a tenant. */
export async function putUnitsData(t: string, data: UnitsData): Promise<void> {
  await forEachLimit(chunk(unitsItems(t, data), 25), 4, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
      if (attempt > 8) throw new ServiceUnavailableError();
      const res = await db().send(new BatchWriteCommand({ RequestItems: { [table()]: pending } }));
      pending = (res.UnprocessedItems?.[table()] ?? []) as Record<string, unknown>[];
    }
  });
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
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
