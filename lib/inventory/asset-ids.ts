/**
 * Asset ids of new units (create, split). The claim is a conditional put in the same
 * transaction as the unit, so uniqueness holds under any concurrency. A generated id is the
 * next value of the tenant's asset counter; if a client already took that one by hand, the
 * attempt starts over with the next.
 */
import { ValidationError } from '../errors';
import { AssetTaken, commitUnitWrites, WriteConflict, type ListCounts, type UnitWrite } from './repository-writes';

const NOT_UNIQUE = 'Asset ID must be unique.';
const formatAssetId = (n: number) => `A${String(n).padStart(7, '0')}`;

/** The asset id for a new unit: the one given, else a generated one if asked, else none. */
export function assetIdFor(given: string | null, generate: boolean, ids: { asset: number[] }) {
  if (given) return { assetId: given, generated: false };
  // The counter holds how many ids were handed out, so the first one is A0000000.
  if (generate) return { assetId: formatAssetId(ids.asset[0]! - 1), generated: true };
  return { assetId: null, generated: false };
}

/** Commits; a taken asset id is the client's error when they chose it, a reason to try the next when generated. */
export async function commitClaim(tenantId: string, writes: UnitWrite[], lists: ListCounts, generated: boolean): Promise<void> {
  try {
    await commitUnitWrites(tenantId, writes, lists);
  } catch (err) {
    if (!(err instanceof AssetTaken)) throw err;
    if (generated) throw new WriteConflict();
    throw new ValidationError(NOT_UNIQUE);
  }
}
