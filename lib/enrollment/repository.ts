/**
 * The enrollment table's commands for the endpoints (keys and item shapes: keys.ts; the jobs'
 * commands: repository-expire.ts, repository-reconcile.ts). See docs/ENROLLMENT.md.
 *
 * Uniqueness of a code per tenant is its primary key plus attribute_not_exists on insert.
 * "Already enrolled" is the ENROLL# item's attribute_not_exists; "course full" is the COUNTER
 * condition `enrolled < :max`; both sit in the same TransactWriteItems as the code's
 * `status = active` condition, so they hold under concurrency.
 */
import { GetCommand, PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { cancellation, isContended } from '../db/conditions';
import { countAll, queryPages } from '../db/paging';
import { withRetry } from '../db/retry';
import { tableName } from '../db/tables';
import { codeItem, codeKey, counterKey, courseItem, courseKey, coursePk, enrollmentKey, enrollmentPrefix } from './keys';
import type { CodeRecord, CodeStatus, Course } from './model';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const table = () => tableName('enrollment');

/** Creates or replaces a course's configuration; its enrollments and counter are untouched. */
export async function putCourse(tenantId: string, course: Course): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: courseItem(tenantId, course) }));
}

export async function getCourse(tenantId: string, courseId: string): Promise<Course | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: courseKey(tenantId, courseId) }));
  if (!Item) return undefined;
  return {
    courseId: String(Item.courseId),
    ...(Item.enrollmentStart ? { enrollmentStart: String(Item.enrollmentStart) } : {}),
    ...(Item.enrollmentEnd ? { enrollmentEnd: String(Item.enrollmentEnd) } : {}),
    ...(Item.maxEnrollments === undefined ? {} : { maxEnrollments: Number(Item.maxEnrollments) }),
  };
}

function toCode(item: Record<string, unknown>): CodeRecord {
  const optional = (name: 'expiresAt' | 'email' | 'redeemedAt') => (item[name] ? { [name]: String(item[name]) } : {});
  return {
    code: String(item.code),
    courseId: String(item.courseId),
    status: String(item.status) as CodeStatus,
    createdAt: String(item.createdAt),
    ...optional('expiresAt'),
    ...optional('email'),
    ...optional('redeemedAt'),
  };
}

/** Strongly consistent: status changes and enrolls decide on what they read here. */
export async function getCode(tenantId: string, code: string): Promise<CodeRecord | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: codeKey(tenantId, code), ConsistentRead: true }),
  );
  return Item ? toCode(Item) : undefined;
}

export async function getEnrolledCount(tenantId: string, courseId: string): Promise<number> {
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: counterKey(tenantId, courseId), ConsistentRead: true }),
  );
  return Item?.enrolled === undefined ? 0 : Number(Item.enrolled);
}

export async function isEnrolled(tenantId: string, courseId: string, email: string): Promise<boolean> {
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: enrollmentKey(tenantId, courseId, email), ConsistentRead: true }),
  );
  return Item !== undefined;
}

/** Counts the course's enrollment items (the reconcile job's check on the counter). */
export function countEnrollments(tenantId: string, courseId: string): Promise<number> {
  return countAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': coursePk(tenantId, courseId), ':prefix': enrollmentPrefix },
    ConsistentRead: true,
  });
}

/** One page of a course's codes, oldest first, and how many there are in all. */
export async function queryCourseCodes(
  tenantId: string,
  courseId: string,
  offset: number,
  limit: number,
): Promise<{ count: number; codes: CodeRecord[] }> {
  // DynamoDB has no OFFSET: walk the course's index partition (projected down to what the list
  // shows), count it and keep the requested slice. O(codes of the course) per page.
  const pages = queryPages({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
    ExpressionAttributeValues: { ':pk': coursePk(tenantId, courseId), ':prefix': 'CODE#' },
    ProjectionExpression: 'code, courseId, #status, createdAt, expiresAt, email, redeemedAt',
    ExpressionAttributeNames: { '#status': 'status' },
  });
  let count = 0;
  const codes: CodeRecord[] = [];
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (count >= offset && codes.length < limit) codes.push(toCode(item));
      count++;
    }
  }
  return { count, codes };
}

// ------------------------------------------------------------------------------------------
// Transactions. Each answers the indexes of the items whose condition failed ([] on success);
// the caller knows what each index means. Conflicts with concurrent transactions are retried
// here, since they say nothing about the data.

const attempts = 8;

async function transact(items: TransactItem[]): Promise<number[]> {
  return withRetry(
    async () => {
      try {
        await db().send(new TransactWriteCommand({ TransactItems: items }));
        return [];
      } catch (err) {
        // A contended item's condition was not evaluated: only an uncontended cancellation is an answer.
        const cancelled = cancellation(err);
        if (cancelled && !cancelled.contended && cancelled.conditionFailedAt.length > 0) return cancelled.conditionFailedAt;
        throw err;
      }
    },
    // Out of attempts, the error propagates: lib/db/errors.ts answers a conflict with 503.
    { attempts, baseMs: 10, capMs: 640, retryIf: isContended },
  );
}

/** Inserts up to 100 new codes atomically; answers the indexes of codes that already exist. */
export function insertCodes(tenantId: string, records: CodeRecord[]): Promise<number[]> {
  return transact(
    records.map((record) => ({
      Put: { TableName: table(), Item: codeItem(tenantId, record), ConditionExpression: 'attribute_not_exists(pk)' },
    })),
  );
}

/**
 * Deletes up to 100 codes written by one generate request (same course and creation time) that
 * are still active and unused; answers the indexes whose condition failed (absent or changed).
 */
export function deleteUnusedCodes(tenantId: string, courseId: string, codes: string[], createdAt: string): Promise<number[]> {
  return transact(
    codes.map((code) => ({
      Delete: {
        TableName: table(),
        Key: codeKey(tenantId, code),
        ConditionExpression: 'courseId = :course AND createdAt = :at AND #status = :active AND attribute_not_exists(email)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':course': courseId, ':at': createdAt, ':active': 'active' },
      },
    })),
  );
}

export type RedeemFailure = 'code' | 'enrolled' | 'full';

/**
 * code active and unexpired -> redeemed, enrollment created, counter + 1 (below the max):
 * all or nothing. The items are in the SPEC's order of checks, so the first failed index is
 * the reason to report.
 */
export async function redeemCode(
  tenantId: string,
  r: { code: string; courseId: string; email: string; now: string; maxEnrollments?: number },
): Promise<RedeemFailure | undefined> {
  const hasMax = r.maxEnrollments !== undefined;
  const failed = await transact([
    {
      Update: {
        TableName: table(),
        Key: codeKey(tenantId, r.code),
        UpdateExpression: 'SET #status = :redeemed, email = :email, redeemedAt = :now',
        ConditionExpression: '#status = :active AND (attribute_not_exists(expiresAt) OR expiresAt >= :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':redeemed': 'redeemed', ':active': 'active', ':email': r.email, ':now': r.now },
      },
    },
    {
      Put: {
        TableName: table(),
        Item: { ...enrollmentKey(tenantId, r.courseId, r.email), courseId: r.courseId, email: r.email, code: r.code, enrolledAt: r.now },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: table(),
        Key: counterKey(tenantId, r.courseId),
        UpdateExpression: 'ADD enrolled :one',
        ...(hasMax ? { ConditionExpression: 'attribute_not_exists(enrolled) OR enrolled < :max' } : {}),
        ExpressionAttributeValues: { ':one': 1, ...(hasMax ? { ':max': r.maxEnrollments } : {}) },
      },
    },
  ]);
  return failed.length === 0 ? undefined : (['code', 'enrolled', 'full'] as const)[failed[0]!];
}

/**
 * A redeemed code -> `to` (active or canceled), its enrollment deleted, counter - 1. Answers
 * false when the code is no longer redeemed by `email` (changed since it was read).
 */
export async function releaseCode(tenantId: string, record: CodeRecord & { email: string }, to: CodeStatus): Promise<boolean> {
  const failed = await transact([
    {
      Update: {
        TableName: table(),
        Key: codeKey(tenantId, record.code),
        UpdateExpression: 'SET #status = :to REMOVE email, redeemedAt',
        ConditionExpression: '#status = :redeemed AND email = :email',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':redeemed': 'redeemed', ':email': record.email },
      },
    },
    {
      Delete: {
        TableName: table(),
        Key: enrollmentKey(tenantId, record.courseId, record.email),
        ConditionExpression: 'code = :code',
        ExpressionAttributeValues: { ':code': record.code },
      },
    },
    {
      Update: {
        TableName: table(),
        Key: counterKey(tenantId, record.courseId),
        UpdateExpression: 'ADD enrolled :minus',
        ConditionExpression: 'enrolled > :zero',
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      },
    },
  ]);
  if (failed.length === 0) return true;
  // The code guards the other two: while it is redeemed by `email`, that enrollment exists
  // and is counted. Failing only elsewhere means the table was changed outside this module.
  if (failed[0] === 0) return false;
  throw new Error(`Enrollment of code ${record.code} is inconsistent (failed items ${failed.join(', ')})`);
}

/** A code without a user goes from `from` to `to`; false when its status is no longer `from`. */
export async function setCodeStatus(tenantId: string, code: string, from: CodeStatus, to: CodeStatus): Promise<boolean> {
  const failed = await transact([
    {
      Update: {
        TableName: table(),
        Key: codeKey(tenantId, code),
        UpdateExpression: 'SET #status = :to',
        ConditionExpression: '#status = :from AND attribute_not_exists(email)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':from': from },
      },
    },
  ]);
  return failed.length === 0;
}
