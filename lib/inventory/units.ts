/**
 * Operations on one existing inventory unit: show, update, adjust quantity, move, and its
 * log. Every change is read -> compute (exact decimals) -> one conditional transaction
 * that writes the unit, its log entry and its search index items together (common.ts
 * changingUnit: conditioned on the version read, retried on conflict).
 */
import { ValidationError } from '../errors';
import { allInOrder, changingUnit, currencyOf, early, existingSublocation, ownedUnit } from './common';
import { compareDecimals, addDecimals, subtractDecimals, withinLimits } from './decimal';
import { renderRecord, renderUnit, timestamp, type InventoryUnit, type RecordType } from './model';
import { allocateIds, commitUnitWrites, listRecords } from './repository';
import type { EditableFields } from './schemas';

type Rendered = Record<string, unknown>;

export async function showUnit(tenantId: string, partId: number, id: number): Promise<Rendered> {
  const [unit, currency] = await Promise.all([ownedUnit(tenantId, partId, id), currencyOf(tenantId)]);
  return renderUnit(unit, currency);
}

/** Sets the given editable fields; a request that changes nothing writes nothing. */
export async function updateUnit(tenantId: string, partId: number, id: number, fields: EditableFields): Promise<Rendered> {
  const unit = await changingUnit(tenantId, id, async () => {
    const before = await ownedUnit(tenantId, partId, id);
    const changes = Object.entries(fields).filter(
      ([key, value]) => value !== undefined && before[key as keyof EditableFields] !== value,
    );
    if (changes.length === 0) return before;
    const after = { ...before, ...Object.fromEntries(changes), updated_at: timestamp(), version: before.version + 1 };
    await commitUnitWrites(tenantId, [{ before, after }]);
    return after;
  });
  return renderUnit(unit, await currencyOf(tenantId));
}

/**
 * Reads the unit and takes a log entry id at the same time (one round trip per attempt
 * instead of two; an attempt that fails leaves an unused id, which is harmless).
 */
async function readForChange(tenantId: string, partId: number, id: number): Promise<[InventoryUnit, number]> {
  const [before, ids] = await allInOrder([ownedUnit(tenantId, partId, id), allocateIds(tenantId, { record: 1 })]);
  return [before, ids.record[0]!];
}

/** Writes the unit with what `change` sets, and its log entry, conditioned on the version read. */
async function changeUnit(
  tenantId: string,
  [before, recordId]: [InventoryUnit, number],
  change: { record_type: RecordType; comment: string | null; quantity?: string } & Partial<InventoryUnit>,
): Promise<InventoryUnit> {
  const { record_type, comment, ...fields } = change;
  const now = timestamp();
  const after: InventoryUnit = { ...before, ...fields, updated_at: now, version: before.version + 1 };
  await commitUnitWrites(tenantId, [
    {
      before,
      after,
      records: [
        {
          id: recordId,
          unit_id: after.id,
          unit_version: after.version,
          record_type,
          quantity_change: subtractDecimals(after.quantity, before.quantity),
          quantity_after: after.quantity,
          comment,
          inventory_location: after.inventory_location,
          created_at: now,
        },
      ],
    },
  ]);
  return after;
}

export interface AdjustInput {
  quantity: { relative: boolean; value: string };
  adjustment_type: 'adjust' | 'consume';
  comment: string | null;
}

/** `quantity` is the new quantity, or a change when relative; a consume may only lower it. */
export async function adjustQuantity(tenantId: string, partId: number, id: number, input: AdjustInput): Promise<Rendered> {
  const unit = await changingUnit(tenantId, id, async () => {
    const read = await readForChange(tenantId, partId, id);
    const [before] = read;
    const quantity = input.quantity.relative ? addDecimals(before.quantity, input.quantity.value) : input.quantity.value;
    if (compareDecimals(quantity, '0') < 0) throw new ValidationError('quantity must be greater than or equal to 0');
    if (!withinLimits(quantity)) throw new ValidationError('quantity is too large');
    if (input.adjustment_type === 'consume' && compareDecimals(quantity, before.quantity) >= 0) {
      throw new ValidationError('quantity must be lower than the current quantity when consuming');
    }
    return changeUnit(tenantId, read, { record_type: input.adjustment_type, comment: input.comment, quantity });
  });
  return renderUnit(unit, await currencyOf(tenantId));
}

export interface MoveInput {
  inventory_sublocation_id: number;
  sublocation_bin: string | null;
  comment: string | null;
}

/** To another sublocation; the bin is the one given, or none. */
export async function moveUnit(tenantId: string, partId: number, id: number, input: MoveInput): Promise<Rendered> {
  const [sublocationLookup, currency] = [
    early(existingSublocation(tenantId, input.inventory_sublocation_id)),
    early(currencyOf(tenantId)),
  ];
  const unit = await changingUnit(tenantId, id, async () => {
    // In argument order: an unknown unit is a 404 before a bad sublocation is a 422.
    const [before, sublocation, ids] = await allInOrder([
      ownedUnit(tenantId, partId, id),
      sublocationLookup,
      allocateIds(tenantId, { record: 1 }),
    ]);
    return changeUnit(tenantId, [before, ids.record[0]!], {
      record_type: 'move',
      comment: input.comment,
      inventory_sublocation_id: sublocation.id,
      inventory_location: sublocation.label,
      sublocation_bin: input.sublocation_bin,
    });
  });
  return renderUnit(unit, await currency);
}

export async function unitRecords(tenantId: string, partId: number, id: number): Promise<Rendered[]> {
  await ownedUnit(tenantId, partId, id);
  return (await listRecords(tenantId, id)).map(renderRecord);
}
