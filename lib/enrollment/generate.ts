/**
 * Generating codes. BatchWriteItem cannot refuse an existing key, so codes go in as
 * TransactWriteItems of up to 100 conditional Puts (attribute_not_exists): a code that already
 * exists in the tenant cancels its chunk, only that code is replaced by a fresh one and the
 * chunk is sent again. A few chunks are in flight at once, so 10,000 codes are 100 requests.
 *
 * A request that fails half-way (throttling past the retries, a 503) starts no further chunk,
 * waits for those in flight, then deletes every code it sent (conditional on still being this
 * request's unused code) before answering: codes that were never returned are not left stored.
 */
import { chunk, forEachLimit } from '../db/concurrency';
import { isUnavailable } from '../db/errors';
import { withRetry } from '../db/retry';
import { ValidationError } from '../errors';
import { log } from '../log';
import { generateCodes } from './code-generator';
import type { CodeRecord } from './model';
import { deleteUnusedCodes, getCourse, insertCodes } from './repository';

const chunkSize = 100; // the TransactWriteItems limit
const inFlight = 8;
// Each round replaces only colliding codes; at 50^8 possible codes, needing more than a couple
// of rounds means something other than chance is wrong.
const maxRounds = 10;

/** Deletes what a failed request may have written, retrying a busy database a few times. */
async function removeSent(tenantId: string, courseId: string, codes: string[], createdAt: string): Promise<void> {
  for (let pending of chunk(codes, chunkSize)) {
    while (pending.length > 0) {
      const current = pending;
      const failed = await withRetry(() => deleteUnusedCodes(tenantId, courseId, current, createdAt), {
        attempts: 6,
        baseMs: 100,
        capMs: 3200,
        retryIf: isUnavailable,
      });
      // Codes that are absent (never written) or no longer unused fail their condition: keep them out.
      pending = failed.length === 0 ? [] : current.filter((_, i) => !failed.includes(i));
    }
  }
}

export async function generateCourseCodes(
  tenantId: string,
  courseId: string,
  count: number,
  expiresAt?: string,
  now = new Date(),
): Promise<string[]> {
  if (!(await getCourse(tenantId, courseId))) throw new ValidationError('Course not found.');
  const createdAt = now.toISOString();
  if (expiresAt !== undefined && expiresAt <= createdAt) throw new ValidationError('expiration_date must be in the future');

  const taken = new Set<string>();
  const codes = generateCodes(count, taken);
  const chunks: number[] = [];
  for (let start = 0; start < codes.length; start += chunkSize) chunks.push(start);
  const record = (code: string): CodeRecord => ({ code, courseId, status: 'active', createdAt, ...(expiresAt ? { expiresAt } : {}) });

  const sent: number[] = [];
  try {
    await forEachLimit(chunks, inFlight, async (start) => {
      const end = Math.min(start + chunkSize, codes.length);
      sent.push(start);
      for (let round = 1; ; round++) {
        const collided = await insertCodes(tenantId, codes.slice(start, end).map(record));
        if (collided.length === 0) return;
        if (round >= maxRounds) throw new Error(`No free codes after ${round} rounds`);
        for (const i of collided) codes[start + i] = generateCodes(1, taken)[0]!;
      }
    });
  } catch (err) {
    const written = sent.flatMap((start) => codes.slice(start, start + chunkSize));
    try {
      await removeSent(tenantId, courseId, written, createdAt);
    } catch (cleanup) {
      // Left behind: active codes of the course nobody was given (docs/RELIABILITY.md).
      log({ level: 'error', msg: 'generate cleanup failed', tenantId, courseId, codes: written.length, error: (cleanup as Error).message });
    }
    throw err;
  }
  return codes;
}
