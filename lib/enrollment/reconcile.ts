/**
 * The daily check of one course: its COUNTER (which enroll and cancel/restore change with
 * ADD inside their transactions) against the ENROLL# items it counts.
 *
 * The counter is read before and after the count. If it moved, requests are running on the
 * course: left alone, the next run looks again. Otherwise it is set to the count on condition
 * that it still holds what was read, so a request landing in between wins. What remains is an
 * enroll and a cancel both landing inside that window (milliseconds): the counter could be
 * set one off, and the next quiet run puts it right.
 */
import { setEnrolledCount } from './repository-reconcile';
import { countEnrollments, getEnrolledCount } from './repository';

export interface CourseCheck {
  status: 'ok' | 'repaired' | 'busy';
  /** What the counter held. */
  recorded: number;
  /** ENROLL# items found. */
  counted: number;
}

export async function reconcileCourse(tenantId: string, courseId: string): Promise<CourseCheck> {
  const before = await getEnrolledCount(tenantId, courseId);
  const counted = await countEnrollments(tenantId, courseId);
  const recorded = await getEnrolledCount(tenantId, courseId);
  if (before !== recorded) return { status: 'busy', recorded, counted };
  if (counted === recorded) return { status: 'ok', recorded, counted };
  const repaired = await setEnrolledCount(tenantId, courseId, recorded, counted);
  return { status: repaired ? 'repaired' : 'busy', recorded, counted };
}
