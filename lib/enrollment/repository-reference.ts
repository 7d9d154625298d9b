/**
 * The enrollment table's reference data over HTTP (docs/REFERENCE-DATA.md): courses with a
 * list position, and reads for the enrollments list and the codes export. Keys: keys.ts
 * (`refCountersKey`, `courseListPk`).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { capUpdate } from './repository';
import { AlreadyExists, refusing } from '../db/refusals';
import { createSequenced, padSeq, readPage, transactOrRefuse, type Counter } from '../db/sequenced';
import { enrollmentTable as table } from '../db/tables';
import { unchanged } from '../db/unchanged';
import { courseItem } from './items';
import { courseKey, courseListPk, enrollListPk, refCountersKey, seqKey } from './keys';
import type { Course } from './model';

const counter = (tenantId: string): Counter => ({ table: table(), key: refCountersKey(tenantId), seqAttr: 'courses' });

/** A course item with its list position (seed data and creates). */
export const listedCourseItem = (tenantId: string, course: Course, seq: number) => ({
  ...courseItem(tenantId, course),
  seq,
  gsi1pk: courseListPk(tenantId),
  gsi1sk: padSeq(seq),
});
export const refCountersItem = (tenantId: string, courses: number) => ({ ...refCountersKey(tenantId), courses });

export const courseFrom = (item: Record<string, unknown>): Course => ({
  courseId: String(item.courseId),
  ...(item.enrollmentStart ? { enrollmentStart: String(item.enrollmentStart) } : {}),
  ...(item.enrollmentEnd ? { enrollmentEnd: String(item.enrollmentEnd) } : {}),
  ...(item.maxEnrollments === undefined || item.maxEnrollments === null ? {} : { maxEnrollments: Number(item.maxEnrollments) }),
});

/** The new cap is below the enrollments counted now. */
export class BelowEnrolled extends Error {}

/** An instant as stored (ISO, UTC). */
const stamp = (value: string | undefined) => value && new Date(value).toISOString();

export async function insertCourse(tenantId: string, course: Course): Promise<void> {
  await createSequenced(counter(tenantId), ({ seq }) => [
    refusing({ Put: { TableName: table(), Item: listedCourseItem(tenantId, course, seq), ConditionExpression: 'attribute_not_exists(pk)' } }, AlreadyExists),
    capUpdate(tenantId, course),
  ]);
}

/**
 * The course's new window and cap (absent = unbounded), keeping its list position, refused when
 * the cap is below the enrollments counted now: one transaction that also sets the cap on the
 * counter, where every later enroll's transaction checks it (repository-redeem.ts).
 */
export async function replaceCourse(tenantId: string, course: Course, before: Course): Promise<void> {
  const sets: string[] = [];
  const removes: string[] = [];
  const values: Record<string, unknown> = {};
  for (const name of ['enrollmentStart', 'enrollmentEnd', 'maxEnrollments'] as const) {
    const value = name === 'maxEnrollments' ? course[name] : course[name] && new Date(course[name]).toISOString();
    if (value === undefined) removes.push(name);
    else {
      sets.push(`${name} = :${name}`);
      values[`:${name}`] = value;
    }
  }
  const same = unchanged({ enrollmentStart: stamp(before.enrollmentStart), enrollmentEnd: stamp(before.enrollmentEnd), maxEnrollments: before.maxEnrollments });
  const update = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].join(' ').trim();
  await transactOrRefuse([
    {
      Update: {
        TableName: table(),
        Key: courseKey(tenantId, course.courseId),
        UpdateExpression: update,
        // The window and cap still as read: a concurrent PUT of another field makes this one start over.
        ConditionExpression: `attribute_exists(pk) AND ${same.condition}`,
        ExpressionAttributeNames: same.names,
        ExpressionAttributeValues: { ...values, ...same.values },
      },
    },
    // The course is gone or changed since it was read: ChangedMeanwhile (the caller reads again).
    refusing(capUpdate(tenantId, course, true), BelowEnrolled),
  ]);
}

export async function findCourse(tenantId: string, courseId: string): Promise<Course | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: courseKey(tenantId, courseId), ConsistentRead: true }));
  return Item && courseFrom(Item);
}

export async function listCourses(tenantId: string, page: number, perPage: number): Promise<{ items: Course[]; total: number }> {
  const { items, total } = await readPage({ table: table(), viaIndex: true, pk: courseListPk(tenantId) }, counter(tenantId), page, perPage);
  return { items: items.map(courseFrom), total };
}

export interface EnrollmentRecord {
  email: string;
  code: string;
  enrolledAt: string;
}

/**
 * The course's enrollments at list positions first..last: one key-range Query of gsi1 (O(page),
 * whatever the course's size). A canceled enrollment leaves its position empty (a hole), so a
 * range may hold fewer than last - first + 1.
 */
export async function enrollmentsAt(tenantId: string, courseId: string, first: number, last: number): Promise<EnrollmentRecord[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': enrollListPk(tenantId, courseId), ':from': seqKey(first), ':to': seqKey(last) },
    }),
  );
  return Items.map((item) => ({ email: String(item.email), code: String(item.code), enrolledAt: String(item.enrolledAt) }));
}
