/**
 * Deleting a batch that did not commit (repository-batches.ts): first `abandoned`, so it can
 * never commit any more, then its codes, then its own item. Used by a generate request that
 * failed (as far as its time allows) and by the hourly job for batches left pending by a
 * request that was killed; a run that stops half-way leaves the batch abandoned and still in
 * the PENDING index, so the next run carries on.
 */
import { abandonBatch, deleteBatch, deleteBatchCodes, getBatch } from './repository-batches';

export type DiscardOutcome = 'discarded' | 'partial' | 'committed' | 'gone';

export async function discardBatch(
  tenantId: string,
  batchId: string,
  stop: () => boolean = () => false,
): Promise<{ outcome: DiscardOutcome; deleted: number }> {
  await abandonBatch(tenantId, batchId);
  const batch = await getBatch(tenantId, batchId);
  if (!batch) return { outcome: 'gone', deleted: 0 };
  if (batch.status === 'committed') return { outcome: 'committed', deleted: 0 };
  const { deleted, done } = await deleteBatchCodes(tenantId, batchId, batch.codes, stop);
  if (!done) return { outcome: 'partial', deleted };
  await deleteBatch(tenantId, batchId);
  return { outcome: 'discarded', deleted };
}
