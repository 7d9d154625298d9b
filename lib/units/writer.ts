/**
 * Writes and removes an operation's assignments in 100-item transactions, several in flight.
 * A transaction carries at most 100 items, so a 100,000-pair request is about 1,000 of them:
 * all or nothing comes from the operation record and undo (docs/UNITS.md), not from one
 * transaction.
 */
import { ServiceUnavailableError } from '../errors';
import { chunk, forEachLimit } from '../db/concurrency';
import { backoffMs, sleep } from '../db/retry';
import type { Pair } from './model';
import { deleteAssignments, putAssignments, type ChunkResult } from './repository-operations';

const chunkSize = 100;
const inFlight = 10;
const maxAttempts = 6;

export interface WriteOptions {
  /** No chunk is started after this time (epoch ms): the lease would run out under it. */
  deadline: number;
  /** Every pair a chunk was sent for, filled in before the send: what an undo must remove. */
  attempted: Pair[];
  /** Test-only fault injection: called before each chunk; throwing there is a failure half-way. */
  beforeChunk?: (index: number) => void | Promise<void>;
}

/** Sends one chunk until every pair is done or skipped, retrying transient failures. */
async function settle(pairs: Pair[], send: (pairs: Pair[]) => Promise<ChunkResult>, out: ChunkResult): Promise<void> {
  let pending = pairs;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= maxAttempts) throw new ServiceUnavailableError();
    if (attempt > 0) await sleep(backoffMs(attempt, { capMs: 250 }));
    const result = await send(pending);
    out.done.push(...result.done);
    out.skipped.push(...result.skipped);
    pending = result.retry;
  }
}

/** Writes `pairs` for operation `opId`. Returns the pairs written and those someone else holds. */
export async function writePairs(
  tenantId: string,
  opId: string,
  pairs: Pair[],
  options: WriteOptions,
): Promise<{ written: Pair[]; taken: Pair[] }> {
  const out: ChunkResult = { done: [], skipped: [], retry: [] };
  const at = new Date().toISOString();
  await forEachLimit(chunk(pairs, chunkSize), inFlight, async (batch, index) => {
    await options.beforeChunk?.(index);
    if (Date.now() >= options.deadline) throw new ServiceUnavailableError();
    options.attempted.push(...batch);
    await settle(batch, (p) => putAssignments(tenantId, opId, p, at), out);
  });
  return { written: out.done, taken: out.skipped };
}

/** Removes the assignments of `pairs` that carry `opId`; any other item is left alone. */
export async function removePairs(tenantId: string, opId: string, pairs: Pair[]): Promise<void> {
  const out: ChunkResult = { done: [], skipped: [], retry: [] };
  await forEachLimit(chunk(pairs, chunkSize), inFlight, (batch) =>
    settle(batch, (p) => deleteAssignments(tenantId, opId, p), out),
  );
}
