/**
 * The daily check of one course: COUNTER (`enrolled` and the codes per stored status, which
 * enroll, cancel/restore and the expiry job move inside their transactions) and the active
 * codes per expiry instant (counts.ts), against the ENROLL# items and the code items they count.
 *
 * The course's counters are read before and after the count. If they moved, requests are
 * running on the course: left alone, the next run looks again. Otherwise each number is set to
 * the count on condition that it still holds what was read, so a request landing in between
 * wins. What remains is an enroll and a cancel both landing inside that window (milliseconds):
 * a count could be set one off, and the next quiet run puts it right.
 *
 * It also brings a course written before these counters existed up to date (the migration,
 * docs/REFERENCE-DATA.md): the counts recounted, enrollments without a list position given one
 * (after the others), max_enrollments copied onto COUNTER as the cap enroll checks.
 */
import { stored, storedAttr } from './counts';
import { allocatePosition, getCourseListing, type CourseListing } from './repository';
import { copyCap, placeEnrollment, readEnrollments, readExpiryCounts, recountCodes, setCounts, setExpiryCount } from './repository-reconcile';

export interface CourseCheck {
  status: 'ok' | 'repaired' | 'busy';
  /** What the enrollment counter held. */
  recorded: number;
  /** ENROLL# items found. */
  counted: number;
  /** Code counts that differed (COUNTER attribute or `expiry <instant>`): recorded, counted. */
  codes: { what: string; recorded: number; counted: number }[];
  /** Enrollments given a list position. */
  placed: number;
}

const numbers = (l: CourseListing): Record<string, number> =>
  Object.fromEntries(['enrolled', ...stored.map((s) => storedAttr[s])].map((a) => [a, Number(l.counter?.[a] ?? 0)]));
const fingerprint = (l: CourseListing) => JSON.stringify([l.count, numbers(l), l.counter?.cap ?? null]);

export async function reconcileCourse(tenantId: string, courseId: string): Promise<CourseCheck> {
  const before = await getCourseListing(tenantId, courseId);
  const [enrollments, codes, expiries] = await Promise.all([
    readEnrollments(tenantId, courseId),
    recountCodes(tenantId, courseId, before.count),
    readExpiryCounts(tenantId, courseId),
  ]);
  const after = await getCourseListing(tenantId, courseId);
  const seen = numbers(after);
  const check: CourseCheck = { status: 'ok', recorded: seen.enrolled!, counted: enrollments.count, codes: [], placed: 0 };
  if (fingerprint(before) !== fingerprint(after)) return { ...check, status: 'busy' };

  const counted: Record<string, number> = { enrolled: enrollments.count };
  for (const s of stored) counted[storedAttr[s]] = codes.counter[s] ?? 0;
  const off = Object.keys(counted).filter((a) => counted[a] !== seen[a]);
  for (const a of off) if (a !== 'enrolled') check.codes.push({ what: a, recorded: seen[a]!, counted: counted[a]! });
  let repaired = true;
  if (off.length) repaired = await setCounts(tenantId, courseId, seen, Object.fromEntries(off.map((a) => [a, counted[a]!])));
  for (const expiresAt of new Set([...Object.keys(expiries), ...Object.keys(codes.expiries)])) {
    const [was, is] = [expiries[expiresAt] ?? 0, codes.expiries[expiresAt] ?? 0];
    if (was === is) continue;
    check.codes.push({ what: `expiry ${expiresAt}`, recorded: was, counted: is });
    repaired = (await setExpiryCount(tenantId, courseId, expiresAt, was, is)) && repaired;
  }
  for (const e of enrollments.unplaced) {
    if (await placeEnrollment(tenantId, courseId, e, await allocatePosition(tenantId, courseId))) check.placed++;
  }
  const max = after.course?.maxEnrollments;
  if (max !== undefined && after.counter?.cap === undefined) await copyCap(tenantId, courseId, max);
  if (!off.length && check.codes.length === 0) return check;
  return { ...check, status: repaired ? 'repaired' : 'busy' };
}
