/**
 * Enroll with a code: checks in the SPEC's order, each a 400 with its reason. The code and the
 * course window are read first (the window is course configuration); the invariants (one
 * redemption per code, one enrollment per email, the cap on COUNTER) are conditions of the one
 * transaction in redeemCode, whose failures come back in the same order.
 *
 * The enrollment gets a list position (the enrollments list reads a page as a key range) from
 * its own counter item just before the transaction. A course already full, as read with the
 * course, is refused before a position is taken, so refusals leave no holes; a transaction that
 * then fails leaves one (docs/REFERENCE-DATA.md).
 */
import { ValidationError } from '../errors';
import { enrollmentOpen } from './dates';
import type { CodeRecord } from './model';
import { allocatePosition, getCourseListing, getStoredCode, isEnrolled, visibility } from './repository';
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

/** A code this email already redeemed: a client's retry of its own enroll (SPEC 5.3). */
const redeemedBy = (code: CodeRecord | undefined, email: string) => code?.status === 'redeemed' && code.email === email;

/**
 * `email` must already be validated and lower-cased. Sent again by the email that redeemed the
 * code, it succeeds again and writes nothing.
 */
export async function enrollWithCode(tenantId: string, email: string, enrollmentCode: string, now = new Date()): Promise<void> {
  const at = now.toISOString();
  const stored = await getStoredCode(tenantId, enrollmentCode);
  if (redeemedBy(stored?.record, email)) return;
  if (!stored || !isRedeemable(stored.record, at)) throw new ValidationError(reasons.code);
  const code = stored.record;
  // Strongly consistent: a seat freed a moment ago must not read as a full course.
  const [listing, seen] = await Promise.all([getCourseListing(tenantId, code.courseId), visibility(tenantId, stored)]);
  const { course, counter } = listing;
  if (!seen.visible) throw new ValidationError(reasons.code); // its generate request has not committed
  if (!course) throw new ValidationError(reasons.code); // a code whose course is gone cannot be used
  if (!enrollmentOpen(course, at)) throw new ValidationError(reasons.closed);
  const cap = counter?.cap === undefined ? course.maxEnrollments : Number(counter.cap);
  if (cap !== undefined && Number(counter?.enrolled ?? 0) >= cap) {
    throw new ValidationError(reasons[(await isEnrolled(tenantId, course.courseId, email)) ? 'enrolled' : 'full']);
  }

  const failure: RedeemFailure | undefined = await redeemCode(tenantId, {
    code: code.code,
    courseId: course.courseId,
    email,
    now: at,
    pos: await allocatePosition(tenantId, course.courseId),
    ...(code.expiresAt ? { expiresAt: code.expiresAt } : {}),
    ...(course.maxEnrollments === undefined ? {} : { maxEnrollments: course.maxEnrollments }),
    ...(seen.seq === undefined ? {} : { seq: seen.seq }),
  });
  // The same request sent twice at once: the other copy redeemed the code for this email.
  if (failure === 'code' && redeemedBy((await getStoredCode(tenantId, code.code))?.record, email)) return;
  if (failure) throw new ValidationError(reasons[failure]);
}
