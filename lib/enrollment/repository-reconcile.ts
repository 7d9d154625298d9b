/**
 * The enrollment table's commands for the daily reconcile job: every course (a Scan), the
 * recount of a course's enrollments and codes per status, and their repair, conditional on
 * what was read so a request landing meanwhile wins.
 */
import { ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/batch';
import { db } from '../db/client';
import { cancellation, isConditionFailed, isContended } from '../db/conditions';
import { queryAll } from '../db/paging';
import { enrollmentTable as table } from '../db/tables';
import { counterVersionAttr, delta, emptyDelta, type CountDelta } from './counts';
import { codeKey, counterKey, courseKey, coursePk, enrollListPk, enrollmentKey, enrollmentPrefix, expiryCountKey, expiryCountPk, codeListPk, parseCourseKey, seqKey } from './keys';
import type { CodeStatus } from './model';
import type { Cursor } from '../db/types';


const pageSize = 500;

export interface CourseRef {
  tenantId: string;
  courseId: string;
  /** The course item's key: where a scan resumes after it. */
  key: Cursor;
}

/** One page of a scan over every tenant's course items. */
export async function scanCourses(start?: Cursor): Promise<{ courses: CourseRef[]; next?: Cursor }> {
  const page = await db().send(
    new ScanCommand({
      TableName: table(),
      FilterExpression: 'sk = :course',
      ProjectionExpression: 'pk, sk, courseId',
      ExpressionAttributeValues: { ':course': 'COURSE' },
      Limit: pageSize,
      ExclusiveStartKey: start,
    }),
  );
  const courses: CourseRef[] = [];
  for (const item of page.Items ?? []) {
    const pk = String(item.pk);
    const courseId = String(item.courseId);
    // Anything that does not read back as T#<t>#COURSE#<courseId> is not a course of ours.
    const parsed = parseCourseKey(pk, courseId);
    if (parsed) courses.push({ tenantId: parsed.tenantId, courseId, key: { pk, sk: item.sk } });
  }
  return { courses, next: page.LastEvaluatedKey };
}

/** The course's enrollments: how many, and those without a list position (written before positions existed). */
export async function readEnrollments(tenantId: string, courseId: string): Promise<{ count: number; unplaced: { email: string; code: string }[] }> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': coursePk(tenantId, courseId), ':prefix': enrollmentPrefix },
    ProjectionExpression: 'email, code, pos',
    ConsistentRead: true,
  });
  return { count: items.length, unplaced: items.filter((i) => i.pos === undefined).map((i) => ({ email: String(i.email), code: String(i.code) })) };
}

/**
 * The course's listed codes (blocks, positions 0..count-1) by their current stored status, read
 * from the code items themselves (strongly consistent; the list's changed-code index may lag):
 * O(codes), as a daily recount may be.
 */
export async function recountCodes(tenantId: string, courseId: string, count: number): Promise<CountDelta> {
  if (count === 0) return emptyDelta();
  const blocks = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': codeListPk(tenantId, courseId), ':from': seqKey(0), ':to': seqKey(count - 1) },
    ConsistentRead: true,
  });
  const codes = blocks.flatMap((b) => (b.codes as string[]).filter((_, i) => Number(b.sk) + i < count));
  const items = await batchGetAll(table(), codes.map((code) => codeKey(tenantId, code)), {
    consistentRead: true,
    projection: '#s, expiresAt',
    names: { '#s': 'status' },
  });
  return delta(items.map((i) => ({ to: { status: i.status as CodeStatus, expiresAt: i.expiresAt as string | undefined } })));
}

/** The course's active-code counts per expiry instant, as stored. */
export async function readExpiryCounts(tenantId: string, courseId: string): Promise<Record<string, number>> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': expiryCountPk(tenantId, courseId) }, ConsistentRead: true });
  return Object.fromEntries(items.map((i) => [String(i.sk), Number(i.active ?? 0)]));
}

/** `attr = :v` for a value read, where a missing attribute reads as 0. */
const held = (attr: string, placeholder: string, seen: number) => (seen === 0 ? `(attribute_not_exists(${attr}) OR ${attr} = ${placeholder})` : `${attr} = ${placeholder}`);

/**
 * Sets COUNTER's numbers (`enrolled`, `n_<status>`) to the counted ones, only if COUNTER's version
 * (`ver`, + 1 in every enroll, cancel, restore and status change: counts.ts) is still the one read
 * before the count, and each number still holds what was read. No transaction changed the
 * counted items in between, so the count is exact for the counter it replaces.
 */
export async function setCounts(
  tenantId: string,
  courseId: string,
  seen: Record<string, number>,
  counted: Record<string, number>,
  version: number,
): Promise<boolean> {
  const names = Object.keys(counted);
  const attr: Record<string, string> = { ...Object.fromEntries(names.map((n, i) => [`#a${i}`, n])), '#ver': counterVersionAttr };
  const values: Record<string, number> = { ':ver': version };
  names.forEach((n, i) => Object.assign(values, { [`:c${i}`]: counted[n], [`:s${i}`]: seen[n] ?? 0 }));
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: counterKey(tenantId, courseId),
        UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :c${i}`).join(', ')}`,
        ConditionExpression: [held('#ver', ':ver', version), ...names.map((n, i) => held(`#a${i}`, `:s${i}`, seen[n] ?? 0))].join(' AND '),
        ExpressionAttributeNames: attr,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** Sets one expiry's active count, only if it still holds what was read. */
export async function setExpiryCount(tenantId: string, courseId: string, expiresAt: string, seen: number, counted: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: expiryCountKey(tenantId, courseId, expiresAt),
        UpdateExpression: 'SET active = :c',
        ConditionExpression: held('active', ':s', seen),
        ExpressionAttributeValues: { ':c': counted, ':s': seen },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** Gives an enrollment written before positions existed its list position (if it is still that enrollment). */
export async function placeEnrollment(tenantId: string, courseId: string, e: { email: string; code: string }, pos: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: enrollmentKey(tenantId, courseId, e.email),
        UpdateExpression: 'SET pos = :pos, gsi1pk = :gpk, gsi1sk = :gsk',
        ConditionExpression: 'attribute_not_exists(pos) AND code = :code',
        ExpressionAttributeValues: { ':pos': pos, ':gpk': enrollListPk(tenantId, courseId), ':gsk': seqKey(pos), ':code': e.code },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/**
 * A course written before COUNTER carried `cap` gets its max_enrollments there, only while the
 * course still has that max and no cap was set since (a PUT sets both in one transaction).
 */
export async function copyCap(tenantId: string, courseId: string, max: number): Promise<boolean> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: table(), Key: courseKey(tenantId, courseId), ConditionExpression: 'maxEnrollments = :max', ExpressionAttributeValues: { ':max': max } } },
          { Update: { TableName: table(), Key: counterKey(tenantId, courseId), UpdateExpression: 'SET #cap = :max', ConditionExpression: 'attribute_not_exists(#cap)', ExpressionAttributeNames: { '#cap': 'cap' }, ExpressionAttributeValues: { ':max': max } } },
        ],
      }),
    );
    return true;
  } catch (err) {
    if (cancellation(err) || isContended(err)) return false; // changed meanwhile: the next run looks again
    throw err;
  }
}
