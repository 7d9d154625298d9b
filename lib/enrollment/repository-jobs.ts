/**
 * The enrollment table's commands for the scheduled jobs: codes due for expiry (sparse index
 * gsi2, expiry-index.ts) and the per-course counter check of the daily reconcile. Keys come
 * from repository.ts; every write is conditional, so a job never undoes a request's work.
 */
import { QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { tableName } from '../db/tables';
import { expiryShardKey } from './expiry-index';
import { counterKey, coursePk, type CodeStatus } from './repository';

export type Key = Record<string, unknown>;

const table = () => tableName('enrollment');
const pageSize = 100;

const conditionFailed = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

export interface DueCode {
  key: { pk: string; sk: string };
  status: CodeStatus;
  expiresAt: string;
}

/** One page of a shard's codes whose expiry is before `before` (oldest first). */
export async function queryDueCodes(shard: number, before: string, start?: Key): Promise<{ codes: DueCode[]; next?: Key }> {
  const page = await db().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :shard AND expiresAt < :before',
      ExpressionAttributeValues: { ':shard': expiryShardKey(shard), ':before': before },
      Limit: pageSize,
      ExclusiveStartKey: start,
    }),
  );
  const codes = (page.Items ?? []).map((item) => ({
    key: { pk: String(item.pk), sk: String(item.sk) },
    status: String(item.status) as CodeStatus,
    expiresAt: String(item.expiresAt),
  }));
  return { codes, next: page.LastEvaluatedKey };
}

/** active -> expired and out of the index, only if still active and past `before`. */
export async function expireCode(key: DueCode['key'], before: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        UpdateExpression: 'SET #status = :expired REMOVE gsi2pk',
        ConditionExpression: '#status = :active AND expiresAt < :before',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':expired': 'expired', ':active': 'active', ':before': before },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

/**
 * Takes a due code that is no longer active (redeemed, canceled) out of the index. If it was
 * restored to active meanwhile it stays, and the next run expires it.
 */
export async function unindexCode(key: DueCode['key']): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        UpdateExpression: 'REMOVE gsi2pk',
        ConditionExpression: 'attribute_exists(gsi2pk) AND #status <> :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

export interface CourseRef {
  tenantId: string;
  courseId: string;
  /** The course item's key: where a scan resumes after it. */
  key: Key;
}

/** One page of a scan over every tenant's course items. */
export async function scanCourses(start?: Key): Promise<{ courses: CourseRef[]; next?: Key }> {
  const page = await db().send(
    new ScanCommand({
      TableName: table(),
      FilterExpression: 'sk = :course',
      ProjectionExpression: 'pk, sk, courseId',
      ExpressionAttributeValues: { ':course': 'COURSE' },
      Limit: pageSize * 5,
      ExclusiveStartKey: start,
    }),
  );
  const courses: CourseRef[] = [];
  for (const item of page.Items ?? []) {
    const pk = String(item.pk);
    const courseId = String(item.courseId);
    const tenantId = pk.slice(2, pk.length - `#COURSE#${courseId}`.length);
    // Anything that does not read back as T#<t>#COURSE#<courseId> is not a course of ours.
    if (pk === coursePk(tenantId, courseId)) courses.push({ tenantId, courseId, key: { pk, sk: item.sk } });
  }
  return { courses, next: page.LastEvaluatedKey };
}

/** Sets the course's enrollment counter to `counted`, only if it still holds `seen`. */
export async function setEnrolledCount(tenantId: string, courseId: string, seen: number, counted: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: counterKey(tenantId, courseId),
        UpdateExpression: 'SET enrolled = :counted',
        // A missing counter reads as 0 (getEnrolledCount).
        ConditionExpression: seen === 0 ? 'attribute_not_exists(enrolled) OR enrolled = :seen' : 'enrolled = :seen',
        ExpressionAttributeValues: { ':counted': counted, ':seen': seen },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}
