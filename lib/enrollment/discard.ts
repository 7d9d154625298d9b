/**
 * Discarding a batch that did not commit (repository-batches.ts): first `abandoned`, so it can
 * never commit any more, then its codes, then the batch marked `discarded`. Used by a generate
 * request that failed without an Idempotency-Key (its holder, as far as its time allows) and by
 * the hourly job for batches whose claim lapsed (a request that was killed, or gave its batch
 * back and was never retried); a run that stops half-way leaves the batch abandoned and still
 * in the PENDING index, so the next run carries on. A batch another attempt holds (it resumed
 * the batch after the job's query) is left alone: `held`.
 */
import { abandonBatch, deleteBatch, deleteBatchCodes, getBatch, type Abandoner } from './repository-batches';

export type DiscardOutcome = 'discarded' | 'partial' | 'committed' | 'gone' | 'held';

export async function discardBatch(
  tenantId: string,
  batchId: string,
  by: Abandoner,
  stop: () => boolean = () => false,
): Promise<{ outcome: DiscardOutcome; deleted: number }> {
  await abandonBatch(tenantId, batchId, by);
  const batch = await getBatch(tenantId, batchId);
  if (!batch || batch.status === 'discarded') return { outcome: 'gone', deleted: 0 };
  if (batch.status === 'committed') return { outcome: 'committed', deleted: 0 };
  if (batch.status === 'pending') return { outcome: 'held', deleted: 0 };
  const { deleted, done } = await deleteBatchCodes(tenantId, batchId, batch.codes, stop);
  if (!done) return { outcome: 'partial', deleted };
  await deleteBatch(tenantId, batchId);
  return { outcome: 'discarded', deleted };
}
