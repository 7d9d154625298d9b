/**
 * The enrollment table's layout: every key and item shape is built here and nowhere else
 * (the repositories run the commands; demo.ts and tests put data through the builders).
 *
 *   pk                           sk                 what
 *   T#<t>#COURSE#<courseId>      COURSE             course configuration: window, max_enrollments
 *   T#<t>#COURSE#<courseId>      COUNTER            enrolled: the live enrollment count (ADD only)
 *   T#<t>#COURSE#<courseId>      ENROLL#<email>     one enrollment: code, enrolledAt
 *   T#<t>#CODE#<code>            CODE               one code: courseId, status, email?, dates
 *                                                   gsi1pk = T#<t>#COURSE#<courseId>,
 *                                                   gsi1sk = CODE#<createdAt>#<code>
 *                                                   gsi2pk = EXPIRY#<shard> on active codes with an
 *                                                   expiry (sparse index for the expiry job)
 *
 * A code is keyed by its exact string (never normalised: demo code 1Ls34dQa has characters
 * outside the generation alphabet), so another tenant's code is simply a different key. The
 * counter lives beside the course, not in it, so re-importing a course never resets it.
 *
 * Expiry index `gsi2` (gsi2pk + expiresAt): the hourly expiry job Queries the codes that are due
 * instead of scanning every code. One generate request writes up to 10,000 codes with the same
 * expiry; on a single index partition key those writes would queue behind one partition's write
 * limit, so they are spread over 16 shards and the job runs 16 small Queries.
 */
import type { CodeRecord, Course } from './model';

export type Key = { pk: string; sk: string };

export const coursePk = (tenantId: string, courseId: string) => `T#${tenantId}#COURSE#${courseId}`;
export const courseKey = (tenantId: string, courseId: string): Key => ({ pk: coursePk(tenantId, courseId), sk: 'COURSE' });
export const counterKey = (tenantId: string, courseId: string): Key => ({ pk: coursePk(tenantId, courseId), sk: 'COUNTER' });
export const enrollmentPrefix = 'ENROLL#';
export const enrollmentKey = (tenantId: string, courseId: string, email: string): Key => ({
  pk: coursePk(tenantId, courseId),
  sk: `${enrollmentPrefix}${email}`,
});
export const codeKey = (tenantId: string, code: string): Key => ({ pk: `T#${tenantId}#CODE#${code}`, sk: 'CODE' });

/** The tenant and course of a course item's key, or undefined when it is not one of ours. */
export function parseCourseKey(pk: string, courseId: string): { tenantId: string } | undefined {
  const tenantId = pk.slice(2, pk.length - `#COURSE#${courseId}`.length);
  return pk.startsWith('T#') && pk === coursePk(tenantId, courseId) ? { tenantId } : undefined;
}

export const expiryShardCount = 16;
export const expiryShardKey = (shard: number) => `EXPIRY#${shard}`;

/** A stable shard for a tenant's code (FNV-1a over `tenant#code`). */
export function expiryShard(tenantId: string, code: string): string {
  let hash = 0x811c9dc5;
  for (const ch of `${tenantId}#${code}`) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return expiryShardKey(hash % expiryShardCount);
}

/** Window bounds are normalised to `toISOString()` form, so enrollmentOpen can compare them as strings. */
export const courseItem = (tenantId: string, course: Course) => ({
  ...courseKey(tenantId, course.courseId),
  ...course,
  ...(course.enrollmentStart ? { enrollmentStart: new Date(course.enrollmentStart).toISOString() } : {}),
  ...(course.enrollmentEnd ? { enrollmentEnd: new Date(course.enrollmentEnd).toISOString() } : {}),
});

export const codeItem = (tenantId: string, record: CodeRecord) => ({
  ...codeKey(tenantId, record.code),
  gsi1pk: coursePk(tenantId, record.courseId),
  gsi1sk: `CODE#${record.createdAt}#${record.code}`,
  // Only codes created active with an expiry are in the expiry index (both its key attributes exist).
  ...(record.status === 'active' && record.expiresAt ? { gsi2pk: expiryShard(tenantId, record.code) } : {}),
  ...record,
});
