/**
 * Operations that bring a unit into being: create, and split (which also changes the
 * original). Both may claim an asset id; the claim is a conditional put in the same
 * transaction as the unit, so uniqueness holds under any concurrency. A generated id is
 * the next value of the tenant's asset counter; if a client already took that one by hand,
 * the attempt starts over with the next.
 */
import { NotFoundError, ValidationError } from '../errors';
import { allInOrder, changingUnit, currencyOf, early, existingSublocation, ownedUnit, retrying } from './common';
import { compareDecimals, subtractDecimals } from './decimal';
import { renderUnit, timestamp, type InventoryRecord, type InventoryUnit } from './model';
import {
  allocateIds,
  AssetTaken,
  commitUnitWrites,
  getPart,
  getSublocation,
  getUnitOfMeasure,
  WriteConflict,
  type UnitWrite,
} from './repository';
import type { EditableFields } from './schemas';

type Rendered = Record<string, unknown>;

const NOT_UNIQUE = 'Asset ID must be unique.';
const formatAssetId = (n: number) => `A${String(n).padStart(7, '0')}`;

/** Commits; a taken asset id is the client's error when they chose it, a reason to try the next when generated. */
async function commitClaim(tenantId: string, writes: UnitWrite[], generated: boolean): Promise<void> {
  try {
    await commitUnitWrites(tenantId, writes);
  } catch (err) {
    if (!(err instanceof AssetTaken)) throw err;
    if (generated) throw new WriteConflict();
    throw new ValidationError(NOT_UNIQUE);
  }
}

/** The asset id for a new unit: the one given, else a generated one if asked, else none. */
function assetIdFor(given: string | null, generate: boolean, ids: { asset: number[] }) {
  if (given) return { assetId: given, generated: false };
  // The counter holds how many ids were handed out, so the first one is A0000000.
  if (generate) return { assetId: formatAssetId(ids.asset[0]! - 1), generated: true };
  return { assetId: null, generated: false };
}

export interface CreateInput extends EditableFields {
  inventory_sublocation_id: number;
  unit_id: number;
  quantity: string;
  asset_id: string | null;
  sublocation_bin: string | null;
  generate_asset_id: boolean;
  comment: string | null;
}

export async function createUnit(tenantId: string, partId: number, input: CreateInput): Promise<Rendered> {
  const [part, uom, sublocation, currency] = await Promise.all([
    getPart(tenantId, partId),
    getUnitOfMeasure(tenantId, input.unit_id),
    getSublocation(tenantId, input.inventory_sublocation_id),
    currencyOf(tenantId),
  ]);
  if (!part) throw new NotFoundError();
  if (!sublocation) throw new ValidationError('inventory_sublocation_id must be an existing inventory sublocation');
  if (!uom) throw new ValidationError('unit_id must be an existing unit of measure');
  const generate = !input.asset_id && input.generate_asset_id;
  const unit = await retrying(async () => {
    const ids = await allocateIds(tenantId, { unit: 1, record: 1, asset: generate ? 1 : 0 });
    const { assetId, generated } = assetIdFor(input.asset_id, generate, ids);
    const now = timestamp();
    const created: InventoryUnit = {
      id: ids.unit[0]!,
      part_id: part.id,
      quantity: input.quantity,
      cost_per_unit: input.cost_per_unit ?? null,
      unit_id: uom.id,
      unit: uom.name,
      inventory_sublocation_id: sublocation.id,
      inventory_location: sublocation.label,
      sublocation_bin: input.sublocation_bin,
      asset_id: assetId,
      serial_number: input.serial_number ?? null,
      lot_code: input.lot_code ?? null,
      datecode: input.datecode ?? null,
      details: input.details ?? null,
      purchase_order_number: input.purchase_order_number ?? null,
      purchase_quantity: null,
      purchase_price: null,
      vendor: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const record = logEntry(ids.record[0]!, created, 'create', input.quantity, input.comment, now);
    await commitClaim(tenantId, [{ after: created, records: [record], claimAsset: assetId ?? undefined }], generated);
    return created;
  });
  return renderUnit(unit, currency);
}

function logEntry(
  id: number,
  unit: InventoryUnit,
  record_type: 'create' | 'split',
  quantity_change: string,
  comment: string | null,
  now: string,
): InventoryRecord {
  return {
    id,
    unit_id: unit.id,
    unit_version: unit.version,
    record_type,
    quantity_change,
    quantity_after: unit.quantity,
    comment,
    inventory_location: unit.inventory_location,
    created_at: now,
  };
}

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

/**
 * Moves `quantity` of a unit into a new unit at the given sublocation and bin. The original
 * loses exactly what the new one gets, in one transaction conditioned on the original's
 * version, so the two always add up to what the original held.
 */
export async function splitUnit(tenantId: string, partId: number, id: number, input: SplitInput): Promise<Rendered[]> {
  const [sublocationLookup, currency] = [
    early(existingSublocation(tenantId, input.inventory_sublocation_id)),
    early(currencyOf(tenantId)),
  ];
  const generate = !input.asset_id && input.generate_asset_id;
  const [original, created] = await changingUnit(tenantId, id, async () => {
    // One round trip: the unit, the sublocation (checked after it: 404 before 422) and new
    // ids are read together; a refused split leaves its ids unused, which is harmless.
    const [before, sublocation, ids] = await allInOrder([
      ownedUnit(tenantId, partId, id),
      sublocationLookup,
      allocateIds(tenantId, { unit: 1, record: 2, asset: generate ? 1 : 0 }),
    ]);
    const quantity = checkSplit(before, input);
    const { assetId, generated } = assetIdFor(input.asset_id, generate, ids);
    const now = timestamp();
    const after = { ...before, quantity: subtractDecimals(before.quantity, quantity), updated_at: now, version: before.version + 1 };
    const created: InventoryUnit = {
      ...before,
      id: ids.unit[0]!,
      quantity,
      inventory_sublocation_id: sublocation.id,
      inventory_location: sublocation.label,
      sublocation_bin: input.sublocation_bin,
      asset_id: assetId,
      // The new unit copies part, unit of measure, cost, lot code and datecode; nothing else.
      serial_number: null,
      details: null,
      purchase_order_number: null,
      purchase_quantity: null,
      purchase_price: null,
      vendor: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const negative = subtractDecimals('0', quantity);
    await commitClaim(
      tenantId,
      [
        { before, after, records: [logEntry(ids.record[0]!, after, 'split', negative, input.comment, now)] },
        { after: created, records: [logEntry(ids.record[1]!, created, 'split', quantity, input.comment, now)], claimAsset: assetId ?? undefined },
      ],
      generated,
    );
    return [after, created];
  });
  return [renderUnit(original!, await currency), renderUnit(created!, await currency)];
}
