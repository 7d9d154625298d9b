/**
 * The daily check of one course: COUNTER (`enrolled` and the codes per stored status, which
 * enroll, cancel/restore and the expiry job move inside their transactions) and the active
 * codes per expiry instant (counts.ts), against the ENROLL# items and the code items they count.
 *
 * The codes are first compared cheaply with what the codes list shows (agrees, below); only a
 * course whose counts disagree is recounted from its code items, and repaired from that.
 *
 * The course's counters are read before and after the count. If they moved, requests are
 * running on the course: left alone, the next run looks again. Otherwise each number is set to
 * the count on condition that COUNTER's version (`ver`, + 1 in every transaction that changes
 * the counts: counts.ts) is still the one read before the count: a restore and an enroll landing
 * in between leave the numbers as they were, but not the version, so a count that is no longer
 * exact is never written.
 *
 * It also brings a course written before these counters existed up to date (the migration,
 * docs/REFERENCE-DATA.md): the counts recounted, enrollments without a list position given one
 * (after the others), max_enrollments copied onto COUNTER as the cap enroll checks.
 */
import { codeCounts, counterVersionAttr, stored, storedAttr, type CountDelta } from './counts';
import type { CodeRecord } from './model';
import { allocatePosition, getCourseListing, listedCodes, type CourseListing } from './repository';
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
const version = (l: CourseListing) => Number(l.counter?.[counterVersionAttr] ?? 0);
const fingerprint = (l: CourseListing) => JSON.stringify([l.count, numbers(l), l.counter?.cap ?? null, version(l)]);

/**
 * The cheap check: what the codes list shows (blocks + the changed-code index, a few RCU per
 * thousand codes) against the counts as shown, and the active codes per future expiry (which
 * the expiry job has not touched) against their counts. Only a course that fails it is
 * recounted from its code items (1 RCU per code).
 */
function agrees(listing: CourseListing, listed: CodeRecord[], expiries: Record<string, number>, now: string): boolean {
  const past = Object.entries(expiries).filter(([e]) => e < now).reduce((sum, [, n]) => sum + n, 0);
  const counted = codeCounts(listing.count, listing.counter, past);
  const shown: Record<string, number> = { active: 0, redeemed: 0, canceled: 0, expired: 0 };
  const future: Record<string, number> = {};
  for (const r of listed) {
    const expired = r.status === 'active' && r.expiresAt !== undefined && r.expiresAt < now;
    shown[expired ? 'expired' : r.status]! += 1;
    if (r.status === 'active' && r.expiresAt && !expired) future[r.expiresAt] = (future[r.expiresAt] ?? 0) + 1;
  }
  if (Object.entries(counted).some(([status, n]) => shown[status] !== n)) return false;
  const instants = new Set([...Object.keys(future), ...Object.keys(expiries).filter((e) => e >= now)]);
  return [...instants].every((e) => (future[e] ?? 0) === (expiries[e] ?? 0));
}

export async function reconcileCourse(tenantId: string, courseId: string): Promise<CourseCheck> {
  const now = new Date().toISOString();
  const before = await getCourseListing(tenantId, courseId);
  const [enrollments, listed, expiries] = await Promise.all([
    readEnrollments(tenantId, courseId),
    before.count > 0 ? listedCodes(tenantId, courseId, 0, before.count - 1) : Promise.resolve([]),
    readExpiryCounts(tenantId, courseId),
  ]);
  // undefined: the counts agree with what the list shows, nothing to repair
  const codes: CountDelta | undefined = agrees(before, listed, expiries, now) ? undefined : await recountCodes(tenantId, courseId, before.count);
  const after = await getCourseListing(tenantId, courseId);
  const seen = numbers(after);
  const check: CourseCheck = { status: 'ok', recorded: seen.enrolled!, counted: enrollments.count, codes: [], placed: 0 };
  if (fingerprint(before) !== fingerprint(after)) return { ...check, status: 'busy' };

  const counted: Record<string, number> = { enrolled: enrollments.count };
  for (const s of stored) counted[storedAttr[s]] = codes ? (codes.counter[s] ?? 0) : seen[storedAttr[s]]!;
  const off = Object.keys(counted).filter((a) => counted[a] !== seen[a]);
  for (const a of off) if (a !== 'enrolled') check.codes.push({ what: a, recorded: seen[a]!, counted: counted[a]! });
  let repaired = true;
  if (off.length) repaired = await setCounts(tenantId, courseId, seen, Object.fromEntries(off.map((a) => [a, counted[a]!])), version(before));
  for (const expiresAt of codes ? new Set([...Object.keys(expiries), ...Object.keys(codes.expiries)]) : []) {
    const [was, is] = [expiries[expiresAt] ?? 0, codes!.expiries[expiresAt] ?? 0];
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
