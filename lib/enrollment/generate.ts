/**
 * Generating codes (docs/ENROLLMENT.md "Generation"). A few codes go in one transaction. Otherwise
 * the request writes one pending batch
 * (every code it will hand out), then the codes, 100 at a time with a few chunks in flight,
 * then commits the batch in one transaction: only then do the codes exist for enroll, status
 * and the list. A code that already exists in the tenant is refused by its conditional write;
 * only that code is replaced (recorded in the batch first) and written again.
 *
 * Time: the request stops starting chunks once less than `writeReserveMs` of the Lambda's time
 * is left and commits only with `commitReserveMs` to spare, so its answer (a 503 if it gave up)
 * is always sent before the deadline. A request that fails deletes what it wrote as far as its
 * time allows; whatever stops it (a kill included), the hourly job deletes a batch left pending.
 */
import { randomUUID } from 'node:crypto';
import { chunk, forEachLimit } from '../db/concurrency';
import { remainingTimeOf, type RemainingTime } from '../deadline';
import { notApplied, ServiceUnavailableError, ValidationError } from '../errors';
import { log } from '../log';
import { generateCodes } from './code-generator';
import { discardBatch, type DiscardOutcome } from './discard';
import type { CodeRecord } from './model';
import { getCourseListing, insertListed } from './repository';
import { commitBatch, insertBatchCodes, putPendingBatch, replaceBatchCode } from './repository-batches';

const chunkSize = 100;
// Up to this many codes are written listed at once in one transaction (listAtOnce).
const directMax = 10;
const inFlight = 8; // chunks, each 4 requests of 25 codes
// Each round replaces only colliding codes; at 50^8 possible codes, needing more than a couple
// of rounds means something other than chance is wrong.
const maxRounds = 10;
const writeReserveMs = 4_000;
const commitReserveMs = 2_000;
const cleanupReserveMs = 1_000;
/** A pending batch older than this belongs to a request that can no longer be running (29 s timeout). */
export const staleAfterMs = 15 * 60_000;

export interface GenerateOptions {
  now?: Date;
  /** The invocation's time left (the handler's ctx.remainingTimeMs). */
  remainingMs?: RemainingTime;
}

export async function generateCourseCodes(
  tenantId: string,
  courseId: string,
  count: number,
  expiresAt?: string,
  options: GenerateOptions = {},
): Promise<string[]> {
  const now = options.now ?? new Date();
  const remaining = options.remainingMs ?? remainingTimeOf();
  // The course and its count of listed codes, in one read: the count is where these codes go.
  const { course, count: seen } = await getCourseListing(tenantId, courseId);
  if (!course) throw new ValidationError('Course not found.');
  const createdAt = now.toISOString();
  if (expiresAt !== undefined && expiresAt <= createdAt) throw new ValidationError('expiration_date must be in the future');

  const taken = new Set<string>();
  const codes = generateCodes(count, taken); // answered in this order
  if (count <= directMax) return listAtOnce(tenantId, courseId, codes, taken, { createdAt, expiresAt, seen }, remaining);
  // Listed (and written, idx = position in the batch) in code order, as codes created together always were.
  const origin = codes.map((_, i) => i).sort((a, b) => (codes[a]! < codes[b]! ? -1 : 1));
  const listed = origin.map((i) => codes[i]!);
  const batch = { id: randomUUID(), courseId, createdAt, codes: [...listed], staleAt: new Date(now.getTime() + staleAfterMs).toISOString() };
  const record = (code: string): CodeRecord => ({ code, courseId, status: 'active', createdAt, ...(expiresAt ? { expiresAt } : {}) });
  if (remaining() < writeReserveMs) throw new ServiceUnavailableError();
  await putPendingBatch(tenantId, batch);

  try {
    const positions = listed.map((_, k) => k);
    await forEachLimit(chunk(positions, chunkSize), inFlight, async (first) => {
      if (remaining() < writeReserveMs) throw new ServiceUnavailableError();
      let part = first;
      for (let round = 1; part.length > 0; round++) {
        const collided = await insertBatchCodes(tenantId, batch.id, part.map((k) => ({ record: record(listed[k]!), idx: k })));
        if (collided.length > 0 && round >= maxRounds) throw new Error(`No free codes after ${round} rounds`);
        part = collided.map((j) => part[j]!);
        for (const k of part) {
          listed[k] = codes[origin[k]!] = generateCodes(1, taken)[0]!;
          await replaceBatchCode(tenantId, batch.id, k, listed[k]!);
        }
      }
    });
    if (remaining() < commitReserveMs) throw new ServiceUnavailableError();
    if ((await commitBatch(tenantId, { ...batch, codes: listed, ...(expiresAt ? { expiresAt } : {}) }, seen)) === 'committed') return codes;
    throw new ServiceUnavailableError();
  } catch (err) {
    const outcome = await cleanUp(tenantId, batch.id, courseId, remaining);
    if (outcome === 'committed') return codes; // committed after all (its answer was lost)
    // Abandoned: the batch can never commit, so a retry under the same Idempotency-Key may run.
    throw outcome === 'unknown' ? err : notApplied(err);
  }
}

/**
 * A few codes go in one transaction with their block and the course's count (insertListed):
 * all or nothing, so no batch is needed, and it costs fewer requests and writes.
 */
async function listAtOnce(
  tenantId: string,
  courseId: string,
  codes: string[],
  taken: Set<string>,
  at: { createdAt: string; expiresAt: string | undefined; seen: number },
  remaining: RemainingTime,
): Promise<string[]> {
  const { createdAt, expiresAt } = at;
  const sorted = [...codes].sort();
  for (let round = 1; ; round++) {
    if (remaining() < commitReserveMs) throw new ServiceUnavailableError();
    const records = sorted.map((code): CodeRecord => ({ code, courseId, status: 'active', createdAt, ...(expiresAt ? { expiresAt } : {}) }));
    const collided = await insertListed(tenantId, courseId, records, round === 1 ? at.seen : undefined);
    if (collided.length === 0) return codes;
    if (round >= maxRounds) throw new Error(`No free codes after ${round} rounds`);
    for (const k of collided) {
      const fresh = generateCodes(1, taken)[0]!;
      codes[codes.indexOf(sorted[k]!)] = fresh;
      sorted[k] = fresh;
    }
  }
}

/** Discards the batch as far as time allows; `committed` when it turns out to have committed (a lost answer). */
async function cleanUp(tenantId: string, batchId: string, courseId: string, remaining: RemainingTime): Promise<DiscardOutcome | 'unknown'> {
  try {
    return (await discardBatch(tenantId, batchId, () => remaining() < cleanupReserveMs)).outcome;
  } catch (cleanup) {
    // Left pending or abandoned: invisible, and the hourly job deletes it.
    log({ level: 'error', msg: 'generate cleanup failed', tenantId, courseId, batchId, error: (cleanup as Error).message });
    return 'unknown';
  }
}
