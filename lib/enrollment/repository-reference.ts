/**
 * The enrollment table's reference data over HTTP (docs/REFERENCE-DATA.md): courses with a
 * list position, and reads for the enrollments list and the codes export.
 *
 *   T#<t>#REFCOUNTERS / REFCOUNTERS    courses: the last list position handed out
 *   course items (keys.ts) also carry   seq, gsi1pk = T#<t>#REFLIST#COURSES, gsi1sk = <seq, 0-padded>
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { queryPages } from '../db/paging';
import { isRedeemable } from './enroll';
import { queryCourseCodes } from './repository';
import { createSequenced, CreateRefused, padSeq, readPage, transactOrRefuse, type Counter } from '../db/sequenced';
import { tableName } from '../db/tables';
import { counterKey, courseItem, courseKey, coursePk, enrollmentPrefix } from './keys';
import type { CodeStatus, Course } from './model';

const table = () => tableName('enrollment');
const refCounters = (tenantId: string) => ({ pk: `T#${tenantId}#REFCOUNTERS`, sk: 'REFCOUNTERS' });
const listPk = (tenantId: string) => `T#${tenantId}#REFLIST#COURSES`;
const counter = (tenantId: string): Counter => ({ table: table(), key: refCounters(tenantId), seqAttr: 'courses' });

/** A course item with its list position (seed data and creates). */
export const listedCourseItem = (tenantId: string, course: Course, seq: number) => ({
  ...courseItem(tenantId, course),
  seq,
  gsi1pk: listPk(tenantId),
  gsi1sk: padSeq(seq),
});
export const refCountersItem = (tenantId: string, courses: number) => ({ ...refCounters(tenantId), courses });

export const courseFrom = (item: Record<string, unknown>): Course => ({
  courseId: String(item.courseId),
  ...(item.enrollmentStart ? { enrollmentStart: String(item.enrollmentStart) } : {}),
  ...(item.enrollmentEnd ? { enrollmentEnd: String(item.enrollmentEnd) } : {}),
  ...(item.maxEnrollments === undefined || item.maxEnrollments === null ? {} : { maxEnrollments: Number(item.maxEnrollments) }),
});

export class CourseExists extends Error {}
export class BelowEnrolled extends Error {}
export class Missing extends Error {}

export async function insertCourse(tenantId: string, course: Course): Promise<void> {
  try {
    await createSequenced(counter(tenantId), ({ seq }) => [
      { Put: { TableName: table(), Item: listedCourseItem(tenantId, course, seq), ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
  } catch (err) {
    if (err instanceof CreateRefused) throw new CourseExists();
    throw err;
  }
}

/**
 * The course's new window and cap (absent = unbounded), keeping its list position, refused when
 * the cap is below the enrollments counted now: one transaction with a check on the counter.
 */
export async function replaceCourse(tenantId: string, course: Course): Promise<void> {
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
  const update = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].join(' ').trim();
  const hasMax = course.maxEnrollments !== undefined;
  try {
    await transactOrRefuse([
      {
        Update: {
          TableName: table(),
          Key: courseKey(tenantId, course.courseId),
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(pk)',
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        },
      },
      ...(hasMax
        ? [
            {
              ConditionCheck: {
                TableName: table(),
                Key: counterKey(tenantId, course.courseId),
                ConditionExpression: 'attribute_not_exists(enrolled) OR enrolled <= :max',
                ExpressionAttributeValues: { ':max': course.maxEnrollments },
              },
            },
          ]
        : []),
    ]);
  } catch (err) {
    if (err instanceof CreateRefused) throw err.index === 1 ? new BelowEnrolled() : new Missing();
    throw err;
  }
}

export async function findCourse(tenantId: string, courseId: string): Promise<Course | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: courseKey(tenantId, courseId), ConsistentRead: true }));
  return Item && courseFrom(Item);
}

export async function listCourses(tenantId: string, page: number, perPage: number): Promise<{ items: Course[]; total: number }> {
  const { items, total } = await readPage({ table: table(), viaIndex: true, pk: listPk(tenantId) }, counter(tenantId), page, perPage);
  return { items: items.map(courseFrom), total };
}

/**
 * How many of the course's codes have each status, read page by page through the codes list's
 * own read: O(codes of the course), not O(page) (docs/REFERENCE-DATA.md).
 */
export async function countCodes(tenantId: string, courseId: string, now: string): Promise<Record<CodeStatus, number>> {
  const counts: Record<CodeStatus, number> = { active: 0, redeemed: 0, canceled: 0, expired: 0 };
  for (let offset = 0, total = 1; offset < total; offset += 1000) {
    const { count, codes } = await queryCourseCodes(tenantId, courseId, offset, 1000);
    total = count;
    // An active code past its expiry is expired, as enroll and the codes list treat it.
    for (const code of codes) counts[code.status === 'active' && !isRedeemable(code, now) ? 'expired' : code.status] += 1;
    if (codes.length === 0) break;
  }
  return counts;
}

export interface EnrollmentRecord {
  email: string;
  code: string;
  enrolledAt: string;
}

/**
 * One page of the course's enrollments (by email) and how many there are (the course's
 * counter). DynamoDB has no offset: the keys before the page are walked with a keys-only
 * projection, so page N reads (N-1) * per_page small items before its own.
 */
export async function queryEnrollments(
  tenantId: string,
  courseId: string,
  offset: number,
  limit: number,
): Promise<{ count: number; enrollments: EnrollmentRecord[] }> {
  const counter = db().send(new GetCommand({ TableName: table(), Key: counterKey(tenantId, courseId), ConsistentRead: true }));
  const enrollments: EnrollmentRecord[] = [];
  let skipped = 0;
  for await (const page of queryPages({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': coursePk(tenantId, courseId), ':prefix': enrollmentPrefix },
    ConsistentRead: true,
    Limit: Math.min(1000, offset - skipped + limit),
  })) {
    for (const item of page.Items ?? []) {
      if (skipped < offset) skipped++;
      else if (enrollments.length < limit) enrollments.push({ email: String(item.email), code: String(item.code), enrolledAt: String(item.enrolledAt) });
    }
    if (enrollments.length >= limit) break;
  }
  return { count: Number(String((await counter).Item?.enrolled ?? 0)), enrollments };
}
