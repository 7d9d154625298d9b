/**
 * Generating codes. BatchWriteItem cannot refuse an existing key, so codes go in as
 * TransactWriteItems of up to 100 conditional Puts (attribute_not_exists): a code that already
 * exists in the tenant cancels its chunk, only that code is replaced by a fresh one and the
 * chunk is sent again. A few chunks are in flight at once, so 10,000 codes are 100 requests.
 */
import { ValidationError } from '../errors';
import { generateCodes } from './code-generator';
import { getCourse, insertCodes, type CodeRecord } from './repository';

export const maxCodesPerRequest = 10_000;
const chunkSize = 100; // the TransactWriteItems limit
const inFlight = 8;
// Each round replaces only colliding codes; at 50^8 possible codes, needing more than a couple
// of rounds means something other than chance is wrong.
const maxRounds = 10;

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
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

  await eachLimited(chunks, inFlight, async (start) => {
    const end = Math.min(start + chunkSize, codes.length);
    for (let round = 1; ; round++) {
      const collided = await insertCodes(tenantId, codes.slice(start, end).map(record));
      if (collided.length === 0) return;
      if (round >= maxRounds) throw new Error(`No free codes after ${round} rounds`);
      for (const i of collided) codes[start + i] = generateCodes(1, taken)[0]!;
    }
  });
  return codes;
}
