/**
 * Split part of a unit's quantity off into a new unit at another sublocation (SPEC 5.2). The
 * original loses exactly what the new one gets, in one transaction conditioned on the
 * original's version, so the two always add up to what the original held.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors';
import { assetIdFor, commitClaim } from './asset-ids';
import { currencyOf } from './currency';
import { labelResolver } from './labels';
import { compareDecimals, subtractDecimals } from './decimal';
import { freshUnitFields, logEntry, renderUnit, timestamp, type InventoryUnit } from './model';
import { allocateIds } from './repository';
import { claimList, withListClaim } from './repository-list-claim';
import { allInOrder, changingUnit, early, existingSublocation, ownedUnitWithPartListCount } from './unit-change';

export interface SplitInput {
  inventory_sublocation_id: number;
  /** Undefined when what was sent is not a number. */
  quantity: string | undefined;
  asset_id: string | null;
  sublocation_bin: string | null;
  generate_asset_id: boolean;
  comment: string | null;
}

/** The seed's split errors, in the seed's order. */
function checkSplit(original: InventoryUnit, input: SplitInput): string {
  const q = input.quantity;
  if (q === undefined || compareDecimals(q, '0') <= 0) throw new ValidationError('Quantity must be a positive number.');
  const vs = compareDecimals(q, original.quantity);
  if (vs > 0) throw new ValidationError("Quantity can't be greater than the quantity available.");
  if (vs === 0) throw new ValidationError('Quantity must be less than the quantity available.');
  if (original.asset_id && !input.asset_id && !input.generate_asset_id) {
    throw new ValidationError('A new Asset ID is required.');
  }
  return q;
}

export async function splitUnit(
  tenantId: string,
  partId: number,
  id: number,
  input: SplitInput,
): Promise<Record<string, unknown>[]> {
  const labels = labelResolver(tenantId);
  const [sublocationLookup, currency, targetLabel] = [
    early(existingSublocation(tenantId, input.inventory_sublocation_id)),
    early(currencyOf(tenantId)),
    early(labels.labels([input.inventory_sublocation_id])),
  ];
  const generate = !input.asset_id && input.generate_asset_id;
  const owner = randomUUID();
  const [original, created] = await changingUnit(tenantId, id, () => withListClaim(tenantId, owner, async () => {
    // One round trip: the unit with its part's list count, the sublocation (checked after it:
    // 404 before 422), new ids and the claim on the tenant's list (with its count) together; a
    // refused split leaves its ids unused, which is harmless, and gives the claim back.
    const [{ unit: before, partList }, sublocation, ids, all] = await allInOrder([
      ownedUnitWithPartListCount(tenantId, partId, id),
      sublocationLookup,
      allocateIds(tenantId, { unit: 1, record: 2, asset: generate ? 1 : 0 }),
      claimList(tenantId, owner),
      currency, // read before the commit: nothing after it may fail the answer
    ]);
    const lists = { all, part: partList, owner };
    const quantity = checkSplit(before, input);
    const { assetId, generated } = assetIdFor(input.asset_id, generate, ids);
    const now = timestamp();
    // Both log entries keep the places' names as they are now (labels.ts; cached when warm).
    const [here, there] = [
      await labels.label(before.inventory_sublocation_id, before.inventory_location),
      (await targetLabel).get(sublocation.id) ?? sublocation.label,
    ];
    const after = {
      ...before,
      quantity: subtractDecimals(before.quantity, quantity),
      inventory_location: here,
      updated_at: now,
      version: before.version + 1,
    };
    const created: InventoryUnit = {
      ...before,
      // The new unit copies part, unit of measure, cost, lot code and datecode; nothing else.
      serial_number: null,
      details: null,
      purchase_order_number: null,
      ...freshUnitFields(now),
      id: ids.unit[0]!,
      quantity,
      inventory_sublocation_id: sublocation.id,
      inventory_location: there,
      sublocation_bin: input.sublocation_bin,
      asset_id: assetId,
    };
    const negative = subtractDecimals('0', quantity);
    await commitClaim(
      tenantId,
      [
        { before, after, records: [logEntry(ids.record[0]!, after, 'split', negative, input.comment, now)] },
        { after: created, records: [logEntry(ids.record[1]!, created, 'split', quantity, input.comment, now)], claimAsset: assetId ?? undefined },
      ],
      lists,
      generated,
    );
    return [after, created];
  }));
  return [renderUnit(original!, await currency), renderUnit(created!, await currency)];
}
