/**
 * The claim on a tenant's unit list (lib/db/claim.ts): one create or split at a time appends to
 * it. Appends of a tenant serialise anyway (each is conditioned on the count it read); without a
 * claim, N concurrent creates would send ~N²/2 doomed transactions, with it the waiting ones
 * retry a one-item conditional write instead and each transaction finds the count unchanged.
 * Only an optimisation: the transaction's own condition on the count keeps positions dense
 * whatever happens to a claim; the owner must still hold it there, and the transaction releases
 * it (repository-writes.ts `appendOps`, with `listClaimRelease`).
 */
import { releaseByDelete, release, releaseItem, take, type ClaimRef, type Extra } from '../db/claim';
import type { TransactItem } from '../db/types';
import { isContended } from '../db/conditions';
import { withRetry } from '../db/retry';
import { listCountFrom, type ListCount } from './items';
import { keys } from './keys';
import { inventoryTable as table } from '../db/tables';
import { WriteConflict } from './write-errors';

/** A claim older than this is abandoned (its Lambda died) and may be taken over. */
const CLAIM_MS = 5_000;
/** How long a create waits for the claim before answering 503. */
const WAIT_MS = 20_000;

// No epoch: a refused create or split must leave the count item exactly as it was.
const claimOf = (tenantId: string): ClaimRef => ({ table: table(), key: keys.listCount(tenantId, 'all'), epoch: false });

/**
 * Claims the tenant's unit list for one create or split (`owner`: a token per request) and
 * answers its count: take if free or lapsed, or already this owner's (a resend after a lost
 * answer); otherwise waits (backoff) up to 20 s, then WriteConflict (503).
 */
export async function claimList(tenantId: string, owner: string): Promise<ListCount> {
  return withRetry(
    async () => {
      const now = Date.now();
      // ALL_OLD: the take changes neither the count nor the highest id, so the old item has them.
      const taken = await take(claimOf(tenantId), { owner, now, until: now + CLAIM_MS, orIf: { condition: '#cOwner = :cOwner' }, returnPrevious: true });
      if (taken.taken) return listCountFrom(taken.previous);
      throw new WriteConflict();
    },
    {
      attempts: Infinity,
      until: Date.now() + WAIT_MS,
      // The first pause up to 10 ms (5 * 2^1), doubling to 200.
      baseMs: 5,
      capMs: 200,
      // Taken by another owner (WriteConflict), or its transaction is writing the item right now.
      retryIf: (err) => err instanceof WriteConflict || isContended(err),
      onExhausted: () => new WriteConflict(),
    },
  );
}

/**
 * Gives the claim back after a create or split that did not commit (a committed one released
 * it). A tenant with no list yet got its count item from the take itself: that item is deleted
 * again, so a refused create or split leaves nothing behind.
 */
export async function releaseListClaim(tenantId: string, owner: string): Promise<void> {
  const deleted = await releaseByDelete(claimOf(tenantId), owner, { condition: 'attribute_not_exists(#n)', names: { '#n': 'n' } });
  if (deleted === false) await release(claimOf(tenantId), owner);
}

/** Runs `fn` (whose writes hold the tenant's list claim as `owner`), giving the claim back if it fails. */
export async function withListClaim<T>(tenantId: string, owner: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    await releaseListClaim(tenantId, owner).catch(() => undefined);
    throw err;
  }
}

/** The append's update of the tenant's list count as a release of `owner`'s claim (in the append transaction). */
export function listClaimRelease(tenantId: string, owner: string, extra: Extra): TransactItem {
  return releaseItem(claimOf(tenantId), owner, extra);
}
