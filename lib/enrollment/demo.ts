/**
 * Demo data for this surface (SPEC section 6), built with the item builders of keys.ts and
 * the repository's direct insert, so it has the layout the API writes. Written only where
 * absent: a second load keeps redeemed/canceled codes.
 */
import { putAllIfAbsent } from '../db/seed';
import { counterKey } from './keys';
import { listedCourseItem, refCountersItem } from './repository-reference';
import type { CodeRecord, Course } from './model';
import { insertCodes } from './repository';

export const demoCourseId = 'course-v1:edX+DemoX+Demo_Course';

const demoCourses: Course[] = [
  { courseId: demoCourseId },
  { courseId: 'course-v1:edX+Closed+2020', enrollmentStart: '2020-01-01T00:00:00.000Z', enrollmentEnd: '2020-12-31T23:59:59.999Z' },
  { courseId: 'course-v1:edX+Tiny+2026', maxEnrollments: 1 },
];

// Fixed creation time, so the demo listing is the same on every machine.
const demoCodes: CodeRecord[] = ['V5QBQMN6', '1Ls34dQa'].map((code) => ({
  code,
  courseId: demoCourseId,
  status: 'active',
  createdAt: '2024-01-01T00:00:00.000Z',
}));

export async function seedDemoEnrollment(): Promise<void> {
  await putAllIfAbsent('enrollment', [
    // Courses with their list positions (docs/REFERENCE-DATA.md).
    ...demoCourses.map((course, i) => listedCourseItem('demo', course, i + 1)),
    // The cap where enroll's transaction checks it (repository.ts capUpdate); a reload keeps the counter as enrolls left it.
    ...demoCourses.flatMap((c) => (c.maxEnrollments === undefined ? [] : [{ ...counterKey('demo', c.courseId), cap: c.maxEnrollments }])),
    refCountersItem('demo', demoCourses.length),
    listedCourseItem('other', { courseId: demoCourseId }, 1),
    refCountersItem('other', 1),
  ]);
  // One transaction: both codes are listed, or (already there) neither is written again.
  await insertCodes('demo', demoCodes);
}
