/**
 * The enrollment table's commands for the daily reconcile job: every course (a Scan), and the
 * repair of a course's enrollment counter, conditional on what was read so a request landing
 * meanwhile wins.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { isConditionFailed } from '../db/conditions';
import { tableName } from '../db/tables';
import { counterKey, parseCourseKey } from './keys';

export type Key = Record<string, unknown>;

const table = () => tableName('enrollment');
const pageSize = 500;

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
    if (isConditionFailed(err)) return false;
    throw err;
  }
}
