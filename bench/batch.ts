/**
 * Raw BatchWriteItem for the baselines and the fast seeding: lib/db/batch.ts's batchPutAll
 * (25 items per request, `concurrency` requests in flight, unprocessed items resent). Kept
 * under its old name for callers written against it; new code calls batchPutAll directly.
 */
import { batchPutAll } from '../lib/db/batch';

export const batchPut = (table: string, items: Record<string, unknown>[], concurrency: number): Promise<number> =>
  batchPutAll(table, items, { concurrency });
