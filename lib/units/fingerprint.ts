/**
 * Request fingerprints: the short cut for a retried assign whose pairs all exist already
 * (docs/UNITS.md, "A retry whose pairs all exist"). The commit of an operation records the
 * hash of its normalised request (sorted codes and login ids) in the same transaction that
 * makes its pairs visible; a later request with the same hash reads that one item instead of
 * every course's login-id sets (its read and write: repository-assign.ts). Sound because an assignment is never removed once committed
 * (only a pending operation's own writes are undone), and courses and logins are never deleted:
 * a recorded request is assigned whole, for good.
 */
import { createHash } from 'node:crypto';
import { bucketOf } from './keys';

/**
 * Requests whose plan reads fewer bucket items than this get no fingerprint: reading their
 * sets costs about what the look-up and the record would (a 1 x 1 assign stays as it was).
 */
export const fingerprintFromBuckets = 10;

/** The hash of a request (codes and ids deduplicated), or undefined when it is too small to be worth one. */
export function pairsFingerprint(codes: string[], ids: number[]): string | undefined {
  if (codes.length * new Set(ids.map(bucketOf)).size < fingerprintFromBuckets) return undefined;
  const normal = JSON.stringify([[...codes].sort(), [...ids].sort((x, y) => x - y)]);
  return createHash('sha256').update(normal).digest('base64url');
}
