/**
 * Enroll with a code: checks in the SPEC's order, each a 400 with its reason. The code and the
 * course window are read first (the window is course configuration); the invariants (one
 * redemption per code, one enrollment per email, the cap) are conditions of the one
 * transaction in redeemCode, whose failures come back in the same order.
 */
import { ValidationError } from '../errors';
import { enrollmentOpen } from './dates';
import type { CodeRecord } from './model';
import { getCourse, getStoredCode, visibility } from './repository';
import { redeemCode, type RedeemFailure } from './repository-redeem';

export const reasons = {
  code: 'Enrollment code error.',
  closed: 'Enrollment closed.',
  enrolled: 'Already enrolled.',
  full: 'Course full.',
} as const;

/** Active and not past its expiry: the hourly job that marks codes expired may not have run yet. */
export function isRedeemable(code: CodeRecord, now: string): boolean {
  return code.status === 'active' && (!code.expiresAt || now <= code.expiresAt);
}

/** `email` must already be validated and lower-cased. */
export async function enrollWithCode(tenantId: string, email: string, enrollmentCode: string, now = new Date()): Promise<void> {
  const at = now.toISOString();
  const stored = await getStoredCode(tenantId, enrollmentCode);
  if (!stored || !isRedeemable(stored.record, at)) throw new ValidationError(reasons.code);
  const code = stored.record;
  const [course, seen] = await Promise.all([getCourse(tenantId, code.courseId), visibility(tenantId, stored)]);
  if (!seen.visible) throw new ValidationError(reasons.code); // its generate request has not committed
  if (!course) throw new ValidationError(reasons.code); // a code whose course is gone cannot be used
  if (!enrollmentOpen(course, at)) throw new ValidationError(reasons.closed);

  const failure: RedeemFailure | undefined = await redeemCode(tenantId, {
    code: code.code,
    courseId: course.courseId,
    email,
    now: at,
    ...(course.maxEnrollments === undefined ? {} : { maxEnrollments: course.maxEnrollments }),
    ...(seen.seq === undefined ? {} : { seq: seen.seq }),
  });
  if (failure) throw new ValidationError(reasons[failure]);
}
