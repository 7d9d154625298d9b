/**
 * The enrollment table's layout: every key is built here and nowhere else; items.ts builds
 * the items (the repositories run the commands; demo.ts and tests put data through the builders).
 * docs/ENROLLMENT.md explains the design.
 *
 *   pk                           sk                 what
 *   T#<t>#COURSE#<courseId>      COURSE             course configuration: window, max_enrollments
 *   T#<t>#COURSE#<courseId>      COUNTER            enrolled: the live enrollment count (ADD only);
 *                                                   cap: max_enrollments as enroll checks it;
 *                                                   n_redeemed, n_canceled, n_expired: codes per
 *                                                   stored status (active = CODES.codes - these)
 *   T#<t>#COURSE#<courseId>      CODES              codes: how many codes the course lists (the next
 *                                                   listing position); changed only by the
 *                                                   transactions that add blocks
 *   T#<t>#COURSE#<courseId>      ENROLL#<email>     one enrollment: code, enrolledAt, pos;
 *                                                   gsi1pk = T#<t>#ENROLLS#<courseId>, gsi1sk = <pos>
 *   T#<t>#ENROLLPOS#<courseId>   POSITIONS          positions: the last enrollment position handed out
 *   T#<t>#EXPCOUNT#<courseId>    <expiresAt>        active: codes stored active with this expiry
 *   T#<t>#LIST#<courseId>        <seq, 12 digits>   block: up to 128 consecutive listed codes from
 *                                                   position <seq> on: codes[], createdAt, expiresAt?
 *   T#<t>#CODE#<code>            CODE               one code: courseId, status, email?, dates, and
 *                                                   seq (its listing position) or batch + idx;
 *                                                   gsi1pk = T#<t>#LIST#<courseId>, gsi1sk = <seq>
 *                                                   once its status or holder has changed;
 *                                                   gsi2pk = EXPIRY#<shard> on codes created active
 *                                                   with an expiry (expiry job)
 *   T#<t>#BATCH#<batchId>        BATCH              the request that wrote a set of codes: courseId,
 *                                                   status pending | committed | abandoned, count,
 *                                                   start (its first listing position, once
 *                                                   committed), codes[] and gsi2pk = PENDING
 *                                                   + expiresAt (when it counts as stale) while pending
 *   T#<t>#REFCOUNTERS            REFCOUNTERS        courses: the last course list position handed out
 *   course items (COURSE) listed over HTTP also carry seq, gsi1pk = T#<t>#REFLIST#COURSES, gsi1sk = <seq>
 *
 * A code is keyed by its exact string (never normalised: demo code 1Ls34dQa has characters
 * outside the generation alphabet), so another tenant's code is simply a different key. A code
 * exists for the API only when its batch is committed. The counter lives beside the course, not
 * in it, so re-importing a course never resets it.
 *
 * Index `gsi2` (gsi2pk + expiresAt) is sparse and shared by the two scheduled clean-ups: codes
 * due for expiry, spread over 16 `EXPIRY#` shards (one request writes up to 10,000 codes with
 * the same expiry), and batches that never committed, under `PENDING`.
 */
import type { Key } from '../db/types';
export type { Key } from '../db/types';

export const blockSize = 128;
const seqDigits = 12;

export const coursePk = (tenantId: string, courseId: string) => `T#${tenantId}#COURSE#${courseId}`;
export const courseKey = (tenantId: string, courseId: string): Key => ({ pk: coursePk(tenantId, courseId), sk: 'COURSE' });
export const counterKey = (tenantId: string, courseId: string): Key => ({ pk: coursePk(tenantId, courseId), sk: 'COUNTER' });
export const enrollmentPrefix = 'ENROLL#';
export const enrollmentKey = (tenantId: string, courseId: string, email: string): Key => ({
  pk: coursePk(tenantId, courseId),
  sk: `${enrollmentPrefix}${email}`,
});
/**
 * The enrollment positions' counter: its own item, so allocating one never meets a transaction
 * on COUNTER, and its own partition key, so it adds nothing to the course key's writes per enroll.
 */
export const positionsKey = (tenantId: string, courseId: string): Key => ({ pk: `T#${tenantId}#ENROLLPOS#${courseId}`, sk: 'POSITIONS' });
/** gsi1 partition of a course's enrollments, sorted by position (the enrollments list). */
export const enrollListPk = (tenantId: string, courseId: string) => `T#${tenantId}#ENROLLS#${courseId}`;
/** Active codes of a course with expiry `expiresAt` (counts.ts): its own partition, read by expiry range. */
export const expiryCountPk = (tenantId: string, courseId: string) => `T#${tenantId}#EXPCOUNT#${courseId}`;
export const expiryCountKey = (tenantId: string, courseId: string, expiresAt: string): Key => ({ pk: expiryCountPk(tenantId, courseId), sk: expiresAt });
export const codeCountKey = (tenantId: string, courseId: string): Key => ({ pk: coursePk(tenantId, courseId), sk: 'CODES' });
export const codeKey = (tenantId: string, code: string): Key => ({ pk: `T#${tenantId}#CODE#${code}`, sk: 'CODE' });
export const codeListPk = (tenantId: string, courseId: string) => `T#${tenantId}#LIST#${courseId}`;
/** The tenant's course list (reference data): the gsi1 partition of listed course items, and its position counter. */
export const courseListPk = (tenantId: string) => `T#${tenantId}#REFLIST#COURSES`;
export const refCountersKey = (tenantId: string): Key => ({ pk: `T#${tenantId}#REFCOUNTERS`, sk: 'REFCOUNTERS' });
/** Listing positions as fixed-width strings, so key order is number order. */
export const seqKey = (seq: number) => String(seq).padStart(seqDigits, '0');
export const blockKey = (tenantId: string, courseId: string, start: number): Key => ({ pk: codeListPk(tenantId, courseId), sk: seqKey(start) });
export const batchKey = (tenantId: string, batchId: string): Key => ({ pk: `T#${tenantId}#BATCH#${batchId}`, sk: 'BATCH' });

/** The tenant and course of a course item's key, or undefined when it is not one of ours. */
export function parseCourseKey(pk: string, courseId: string): { tenantId: string } | undefined {
  const tenantId = pk.slice(2, pk.length - `#COURSE#${courseId}`.length);
  return pk.startsWith('T#') && pk === coursePk(tenantId, courseId) ? { tenantId } : undefined;
}

export const expiryShardCount = 16;
export const expiryShardKey = (shard: number) => `EXPIRY#${shard}`;
// One key: a batch item enters and leaves it once per generate request, far below a key's limit.
export const pendingKey = 'PENDING';

/** A stable shard (FNV-1a over the text). */
function shardOf(text: string): number {
  let hash = 0x811c9dc5;
  for (const ch of text) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % expiryShardCount;
}

export const expiryShard = (tenantId: string, code: string) => expiryShardKey(shardOf(`${tenantId}#${code}`));


/** The tenant of a batch item's key. */
export function parseBatchKey(pk: string): { tenantId: string; batchId: string } | undefined {
  const m = /^T#(.*)#BATCH#([^#]+)$/.exec(pk);
  return m ? { tenantId: m[1]!, batchId: m[2]! } : undefined;
}

/** A code whose status or holder changed since it was listed: the list reads it from gsi1. */
export const changedCodeIndex = (tenantId: string, courseId: string, seq: number) => ({ gsi1pk: codeListPk(tenantId, courseId), gsi1sk: seqKey(seq) });
