/**
 * Generating codes (docs/ENROLLMENT.md "Generation"). A few codes go in one transaction (below);
 * more are written as one batch: generate-batch.ts (deadline, retries under an Idempotency-Key).
 */
import { pace, remainingTimeOf, type RemainingTime } from '../deadline';
import { ServiceUnavailableError, ValidationError } from '../errors';
import { generateCodes } from './code-generator';
import { generateBatch } from './generate-batch';
import type { CodeRecord } from './model';
import { getCourseListing, insertListed } from './repository';

export { staleAfterMs } from './generate-batch';

// Up to this many codes are written listed at once in one transaction (listAtOnce).
const directMax = 10;
// Each round replaces only colliding codes (see generate-batch.ts).
const maxRounds = 10;
const commitReserveMs = 2_000;

export interface GenerateOptions {
  now?: Date;
  /** The invocation's time left (the handler's ctx.remainingTimeMs). */
  remainingMs?: RemainingTime;
  /** The handler's ctx.requestKey: one id per Idempotency-Key and request, so a retry resumes the batch. */
  requestKey?: string;
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
  // Timed: how slow calls are now decides when the batch stops (generate-batch.ts).
  const p = pace(remaining);
  const { course, count: seen } = await p.time(() => getCourseListing(tenantId, courseId));
  if (!course) throw new ValidationError('Course not found.');
  const createdAt = now.toISOString();
  if (expiresAt !== undefined && expiresAt <= createdAt) throw new ValidationError('expiration_date must be in the future');
  if (count > directMax) {
    return generateBatch({ tenantId, courseId, count, now, pace: p, seen, ...(expiresAt ? { expiresAt } : {}), ...(options.requestKey ? { requestKey: options.requestKey } : {}) });
  }
  const taken = new Set<string>();
  return listAtOnce(tenantId, courseId, generateCodes(count, taken), taken, { createdAt, expiresAt, seen }, remaining);
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
