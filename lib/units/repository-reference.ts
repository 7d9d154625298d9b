/**
 * The units table's reference data over HTTP: logins (with email and names) and courses
 * (docs/REFERENCE-DATA.md). Every write is one transaction; the keys are keys.ts `refKeys`.
 *
 * The login's existence (what assign_units checks) and the course itself stay where the assign
 * code reads them (repository.ts): a create writes them in the same transaction.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { AlreadyExists, ChangedMeanwhile, refusing } from '../db/refusals';
import { createSequenced, readCounter, readPage, transactOrRefuse, type Counter } from '../db/sequenced';
import type { TransactItem } from '../db/types';
import { unitsTable as table } from '../db/tables';
import { unchanged } from '../db/unchanged';
import { courseKey, refKeys } from './keys';
import { courseItem } from './model';
import { loginClaim } from './repository';


export interface Login {
  id: number;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
}

export interface CourseRecord {
  code: string;
  name: string;
  unit_cost: number;
}

const num = (v: unknown) => Number(String(v ?? 0));
const text = (v: unknown) => (v === undefined || v === null ? null : String(v));
export const loginFrom = (item: Record<string, unknown>): Login => ({
  id: num(item.id),
  email: text(item.email),
  first_name: text(item.first_name),
  last_name: text(item.last_name),
});
const courseFrom = (item: Record<string, unknown>): CourseRecord => ({
  code: String(item.code),
  name: String(item.name),
  unit_cost: num(item.unit_cost),
});

const loginItems = (tenantId: string, login: Login, seq: number) => {
  const fields = { id: login.id, email: login.email, first_name: login.first_name, last_name: login.last_name, seq };
  return { profile: { ...refKeys.login(tenantId, login.id), ...fields }, entry: { ...refKeys.listEntry(tenantId, 'LOGINS', seq), ...fields } };
};

/**
 * Reference items of a tenant written at once (demo seed): profiles (no email) and list entries
 * for `logins`, the courses with their list positions, and the counters. The logins' existence
 * for assign_units is written by repository.ts.
 */
export function seededReferenceItems(tenantId: string, logins: number[], courses: { code: string; name: string; unitCost?: number }[]) {
  const items: Record<string, unknown>[] = [];
  logins.forEach((id, i) => {
    const { profile, entry } = loginItems(tenantId, { id, email: null, first_name: null, last_name: null }, i + 1);
    items.push(profile, entry);
  });
  courses.forEach((c, i) => {
    items.push({ ...courseItem(tenantId, c), seq: i + 1 });
    items.push({ ...refKeys.listEntry(tenantId, 'COURSES', i + 1), code: c.code, name: c.name, unit_cost: c.unitCost ?? 1, seq: i + 1 });
  });
  items.push({ ...refKeys.counters(tenantId), login: Math.max(0, ...logins), logins: logins.length, courses: courses.length });
  return items;
}

async function get(key: { pk: string; sk: string }) {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
  return Item;
}

export interface Page<T> {
  items: T[];
  total: number;
}

const listPage = (tenantId: string, kind: 'LOGINS' | 'COURSES', page: number, perPage: number): Promise<Page<Record<string, unknown>>> =>
  readPage({ table: table(), pk: refKeys.listPk(tenantId, kind) }, kind === 'LOGINS' ? loginCounter(tenantId) : courseCounter(tenantId), page, perPage);

// ------------------------------------------------------------------ logins

export class EmailTaken extends Error {}
/** The id is already a login of the tenant (made outside the counter: an old import): try the next. */
export class IdTaken extends Error {}

export const findLogin = async (tenantId: string, id: number): Promise<Login | undefined> => {
  const item = await get(refKeys.login(tenantId, id));
  return item && loginFrom(item);
};

export async function listLogins(tenantId: string, page: number, perPage: number): Promise<Page<Login>> {
  const { items, total } = await listPage(tenantId, 'LOGINS', page, perPage);
  return { items: items.map(loginFrom), total };
}

const loginCounter = (tenantId: string): Counter => ({ table: table(), key: refKeys.counters(tenantId), idAttr: 'login', seqAttr: 'logins' });
const put = (Item: Record<string, unknown>, ConditionExpression?: string): TransactItem => ({
  Put: { TableName: table(), Item, ...(ConditionExpression ? { ConditionExpression } : {}) },
});
const notExists = 'attribute_not_exists(pk)';

/** The item that makes `id` a login assign_units knows, refused when it already is one. */
const loginExists = (tenantId: string, id: number): TransactItem => loginClaim(tenantId, id);

/**
 * A new login: the next id (or `id`), its profile, its list entry, its email claim and its
 * existence for assign_units, in one transaction.
 */
export async function insertLogin(tenantId: string, fields: Omit<Login, 'id'>, id?: number): Promise<Login> {
  let login: Login | undefined;
  await createSequenced(
    loginCounter(tenantId),
    (assigned) => {
      login = { id: assigned.id, ...fields };
      const { profile, entry } = loginItems(tenantId, login, assigned.seq);
      return [
        refusing(put(profile, notExists), IdTaken),
        refusing(loginExists(tenantId, assigned.id), IdTaken),
        refusing(put(entry, notExists), IdTaken),
        ...(login.email ? [refusing(put({ ...refKeys.email(tenantId, login.email), login_id: assigned.id }, notExists), EmailTaken)] : []),
      ];
    },
    id,
  );
  return login!;
}

/** Writes `after` over `before` (as read) on the profile and its list entry; a new email moves the claim. */
export async function replaceLogin(tenantId: string, before: Login, after: Login): Promise<void> {
  const item = await get(refKeys.login(tenantId, before.id));
  if (!item) throw new ChangedMeanwhile();
  const seq = num(item.seq);
  const { profile, entry } = loginItems(tenantId, after, seq);
  const emailChanged = before.email !== after.email;
  const same = unchanged({ email: before.email, first_name: before.first_name, last_name: before.last_name });
  await transactOrRefuse([
    {
      Put: {
        TableName: table(),
        Item: profile,
        // Every field still as read: a concurrent change of any of them makes this attempt start over.
        ConditionExpression: `attribute_exists(pk) AND ${same.condition}`,
        ExpressionAttributeNames: same.names,
        ExpressionAttributeValues: same.values,
      },
    },
    ...(emailChanged && after.email ? [refusing(put({ ...refKeys.email(tenantId, after.email), login_id: after.id }, notExists), EmailTaken)] : []),
    put(entry),
    ...(emailChanged && before.email
      ? [
          {
            Delete: {
              TableName: table(),
              Key: refKeys.email(tenantId, before.email),
              ConditionExpression: 'login_id = :id',
              ExpressionAttributeValues: { ':id': before.id },
            },
          },
        ]
      : []),
  ]);
}

// ------------------------------------------------------------------ courses

const courseCounter = (tenantId: string): Counter => ({ table: table(), key: refKeys.counters(tenantId), seqAttr: 'courses' });

export async function findCourse(tenantId: string, code: string): Promise<(CourseRecord & { seq?: number }) | undefined> {
  const item = await get(courseKey(tenantId, code));
  if (!item) return undefined;
  return { ...courseFrom(item), ...(item.seq === undefined ? {} : { seq: num(item.seq) }) };
}

export async function listCourses(tenantId: string, page: number, perPage: number): Promise<Page<CourseRecord>> {
  const { items, total } = await listPage(tenantId, 'COURSES', page, perPage);
  return { items: items.map(courseFrom), total };
}

/** A new course (the code is its claim: the course item itself, attribute_not_exists) and its list entry. */
export async function insertCourse(tenantId: string, course: CourseRecord): Promise<void> {
  await createSequenced(courseCounter(tenantId), ({ seq }) => [
    refusing(put({ ...courseItem(tenantId, { code: course.code, name: course.name, unitCost: course.unit_cost }), seq }, notExists), AlreadyExists),
    refusing(put({ ...refKeys.listEntry(tenantId, 'COURSES', seq), ...course, seq }, notExists), AlreadyExists),
  ]);
}

/**
 * New name and unit cost on the course and its list entry. The assign code reads the cost when
 * it charges, so the new cost applies to assignments made from now on; past charges stay.
 */
export async function replaceCourse(tenantId: string, course: CourseRecord, seq: number | undefined, before: CourseRecord): Promise<void> {
  const set = {
    UpdateExpression: 'SET #name = :name, unit_cost = :cost',
    ExpressionAttributeNames: { '#name': 'name' },
    ExpressionAttributeValues: { ':name': course.name, ':cost': course.unit_cost },
  };
  // Name and cost still as read: a concurrent PUT of the other field makes this one start over.
  const same = unchanged({ name: before.name, unit_cost: before.unit_cost });
  await transactOrRefuse([
    {
      Update: {
        TableName: table(),
        Key: courseKey(tenantId, course.code),
        ...set,
        ConditionExpression: same.condition,
        ExpressionAttributeNames: { ...set.ExpressionAttributeNames, ...same.names },
        ExpressionAttributeValues: { ...set.ExpressionAttributeValues, ...same.values },
      },
    },
    ...(seq === undefined
      ? []
      : [{ Update: { TableName: table(), Key: refKeys.listEntry(tenantId, 'COURSES', seq), ConditionExpression: 'attribute_exists(pk)', ...set } }]),
  ]);
}

/** The login counter's values (strongly consistent). */
export const readLoginCounter = (tenantId: string) => readCounter(loginCounter(tenantId));
