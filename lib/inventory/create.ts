/** Create a unit of a part (SPEC 5.2), with its "create" log entry and optional asset id. */
import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors';
import { assetIdFor, commitClaim } from './asset-ids';
import { currencyOf } from './currency';
import { labelResolver } from './labels';
import { freshUnitFields, logEntry, renderUnit, timestamp, type InventoryUnit } from './model';
import { allocateIds, readForCreate, readPartListCount } from './repository';
import { claimList, withListClaim } from './repository-list-claim';
import type { EditableFields } from './body-schemas';
import { early, retrying } from './unit-change';

export interface CreateInput extends EditableFields {
  inventory_sublocation_id: number;
  unit_id: number;
  quantity: string;
  asset_id: string | null;
  sublocation_bin: string | null;
  generate_asset_id: boolean;
  comment: string | null;
}

export async function createUnit(tenantId: string, partId: number, input: CreateInput): Promise<Record<string, unknown>> {
  // The place's current label (labels.ts) beside the references: the unit and its log entry store it.
  const placeLabel = early(labelResolver(tenantId).labels([input.inventory_sublocation_id]));
  const [{ part, uom, sublocation, partList: firstPartList }, currency] = await Promise.all([
    readForCreate(tenantId, partId, input.unit_id, input.inventory_sublocation_id),
    currencyOf(tenantId),
  ]);
  if (!part) throw new NotFoundError();
  if (!sublocation) throw new ValidationError('inventory_sublocation_id must be an existing inventory sublocation');
  if (!uom) throw new ValidationError('unit_id must be an existing unit of measure');
  const label = (await placeLabel).get(sublocation.id) ?? sublocation.label;
  const generate = !input.asset_id && input.generate_asset_id;
  const owner = randomUUID();
  let attempt = 0;
  const unit = await withListClaim(tenantId, owner, () => retrying(async () => {
    // New ids and the claim on the tenant's list (with its count) together; the part's count
    // came with the references (a retry reads it again: another create may have moved it).
    const [ids, all, partList] = await Promise.all([
      allocateIds(tenantId, { unit: 1, record: 1, asset: generate ? 1 : 0 }),
      claimList(tenantId, owner),
      attempt++ === 0 ? firstPartList : readPartListCount(tenantId, part.id),
    ]);
    const lists = { all, part: partList, owner };
    const { assetId, generated } = assetIdFor(input.asset_id, generate, ids);
    const now = timestamp();
    const created: InventoryUnit = {
      ...freshUnitFields(now),
      id: ids.unit[0]!,
      part_id: part.id,
      quantity: input.quantity,
      cost_per_unit: input.cost_per_unit ?? null,
      unit_id: uom.id,
      unit: uom.name,
      inventory_sublocation_id: sublocation.id,
      inventory_location: label,
      sublocation_bin: input.sublocation_bin,
      asset_id: assetId,
      serial_number: input.serial_number ?? null,
      lot_code: input.lot_code ?? null,
      datecode: input.datecode ?? null,
      details: input.details ?? null,
      purchase_order_number: input.purchase_order_number ?? null,
    };
    const record = logEntry(ids.record[0]!, created, 'create', input.quantity, input.comment, now);
    await commitClaim(tenantId, [{ after: created, records: [record], claimAsset: assetId ?? undefined }], lists, generated);
    return created;
  }));
  return renderUnit(unit, currency);
}
