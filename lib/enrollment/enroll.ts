/**
 * Enroll with a code: checks in the SPEC's order, each a 400 with its reason. The code and the
 * course window are read first (the window is course configuration); the invariants (one
 * redemption per code, one enrollment per email, the cap) are conditions of the one
 * transaction in redeemCode, whose failures come back in the same order.
 */
import { ValidationError } from '../errors';
import { enrollmentOpen } from './dates';
import type { CodeRecord } from './model';
import { getCode, getCourse, redeemCode, type RedeemFailure } from './repository';

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

/** A code this email already redeemed: a client's retry of its own enroll (SPEC 5.3). */
const redeemedBy = (code: CodeRecord | undefined, email: string) => code?.status === 'redeemed' && code.email === email;

/**
 * `email` must already be validated and lower-cased. Sent again by the email that redeemed the
 * code, it succeeds again and writes nothing.
 */
export async function enrollWithCode(tenantId: string, email: string, enrollmentCode: string, now = new Date()): Promise<void> {
  const at = now.toISOString();
  const code = await getCode(tenantId, enrollmentCode);
  if (redeemedBy(code, email)) return;
  if (!code || !isRedeemable(code, at)) throw new ValidationError(reasons.code);
  const course = await getCourse(tenantId, code.courseId);
  if (!course) throw new ValidationError(reasons.code); // a code whose course is gone cannot be used
  if (!enrollmentOpen(course, at)) throw new ValidationError(reasons.closed);

  const failure: RedeemFailure | undefined = await redeemCode(tenantId, {
    code: code.code,
    courseId: course.courseId,
    email,
    now: at,
    ...(course.maxEnrollments === undefined ? {} : { maxEnrollments: course.maxEnrollments }),
  });
  // The same request sent twice at once: the other copy redeemed the code for this email.
  if (failure === 'code' && redeemedBy(await getCode(tenantId, code.code), email)) return;
  if (failure) throw new ValidationError(reasons[failure]);
}
