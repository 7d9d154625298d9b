/**
 * Inventory items <-> domain values: what each item holds beside its key (keys.ts builds the
 * keys), and the whole sets of items seed data, the bench and tests write at once.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { padSeq } from '../db/sequenced';
import { keys, LIST_BLOCK, type CounterName, type Item, type ListScope, type NamedKind, type RefList } from './keys';
import type { InventoryRecord, InventoryUnit, Location, Part, RecordType, SearchField, Sublocation, UnitOfMeasure } from './model';
import { indexItem, indexValues, searchRecordItem } from './search-index';

// ------------------------------------------------------------------ unit lists

export interface ListCount {
  /** Units in the list. */
  n: number;
  /** Highest unit id in it (0 when empty). */
  last: number;
}

export const listCountFrom = (item: Item | undefined): ListCount => ({
  n: num(item?.n ?? 0),
  last: num(item?.last ?? 0),
});

/** Block and index within it of list position `position` (from 0). */
export const listSlot = (position: number) => ({ block: Math.floor(position / LIST_BLOCK), index: position % LIST_BLOCK });

export const blockIds = (item: Item | undefined): number[] => ((item?.ids ?? []) as unknown[]).map(num);

/** A whole list written at once (seed data, bench): `ids` ascending. */
export function listItems(tenantId: string, scope: ListScope, ids: number[]): Item[] {
  const items: Item[] = [{ ...keys.listCount(tenantId, scope), n: ids.length, last: ids.at(-1) ?? 0 }];
  for (let from = 0; from < ids.length; from += LIST_BLOCK) {
    items.push({ ...keys.listBlock(tenantId, scope, from / LIST_BLOCK), ids: ids.slice(from, from + LIST_BLOCK) });
  }
  return items;
}

// ------------------------------------------------------------------ reference data

/**
 * Reference items carry their list position (`seq`) and gsi1 keys when they have one: the
 * list partition and the position, zero-padded (a sublocation sorts right after its location).
 */
const listed = (tenantId: string, kind: RefList, sk: string | undefined) =>
  sk === undefined ? {} : { gsi1pk: keys.refList(tenantId, kind), gsi1sk: sk };

export const partItem = (tenantId: string, { manufacturer, manufacturer_part_number, ...part }: Part, seq?: number): Item => ({
  ...keys.part(tenantId, part.id),
  ...part,
  // Optional fields are stored only when given, so a part reads back exactly as written.
  ...(manufacturer === undefined || manufacturer === null ? {} : { manufacturer }),
  ...(manufacturer_part_number === undefined || manufacturer_part_number === null ? {} : { manufacturer_part_number }),
  ...(seq === undefined ? {} : { seq }),
  ...listed(tenantId, 'PARTS', seq === undefined ? undefined : padSeq(seq)),
});
export const uomItem = (tenantId: string, uom: UnitOfMeasure, seq?: number): Item => ({
  ...keys.uom(tenantId, uom.id),
  ...uom,
  ...(seq === undefined ? {} : { seq }),
  ...listed(tenantId, 'UOMS', seq === undefined ? undefined : padSeq(seq)),
});
export const locationItem = (tenantId: string, location: Location, seq?: number): Item => ({
  ...keys.location(tenantId, location.id),
  id: location.id,
  name: location.name,
  ...(seq === undefined ? {} : { seq }),
  ...listed(tenantId, 'LOCATIONS', seq === undefined ? undefined : padSeq(seq)),
});
export const sublocationItem = (
  tenantId: string,
  sub: { id: number; name: string },
  location: Location,
  locationSeq?: number,
): Item => ({
  ...keys.sublocation(tenantId, sub.id),
  id: sub.id,
  name: sub.name,
  location_id: location.id,
  label: `${location.name} - ${sub.name}`,
  ...(locationSeq === undefined ? {} : { location_seq: locationSeq }),
  ...listed(tenantId, 'LOCATIONS', locationSeq === undefined ? undefined : `${padSeq(locationSeq)}#${padSeq(sub.id)}`),
});
/** `scope`: the location of a sublocation; 0 for locations and units of measure. */
export const nameItem = (tenantId: string, kind: NamedKind, scope: number, name: string, id: number): Item => ({
  ...keys.name(tenantId, kind, scope, name),
  id,
});
export const partNumberItem = (tenantId: string, partNumber: string, partId: number): Item => ({
  ...keys.partNumber(tenantId, partNumber),
  part_id: partId,
});
/** Last id and list position handed out per kind, and the labels version (bumped by renames). */
export const refCountersItem = (tenantId: string, values: Record<string, number>): Item => ({
  ...keys.refCounters(tenantId),
  ...values,
});

const num = (v: unknown) => Number(String(v));
const str = (v: unknown) => String(v);

export const partFrom = (item: Item): Part => ({
  id: num(item.id),
  part_number: str(item.part_number),
  description: str(item.description),
  // Optional: only parts given them carry them.
  ...(item.manufacturer === undefined || item.manufacturer === null ? {} : { manufacturer: str(item.manufacturer) }),
  ...(item.manufacturer_part_number === undefined || item.manufacturer_part_number === null
    ? {}
    : { manufacturer_part_number: str(item.manufacturer_part_number) }),
});
export const locationFrom = (item: Item): Location => ({ id: num(item.id), name: str(item.name) });
export const uomFrom = (item: Item): UnitOfMeasure => ({ id: num(item.id), name: str(item.name) });
export const sublocationFrom = (item: Item): Sublocation => ({
  id: num(item.id),
  name: str(item.name),
  location_id: num(item.location_id),
  label: str(item.label),
});

// ------------------------------------------------------------------ units, records, claims

/** Decimals are written as NumberValue so DynamoDB receives the exact text. */
const decimalOut = (v: string | null) => (v === null ? null : NumberValue.from(v));
/** Numbers come back wrapped (wrapNumbers): `.value` is the exact text. */
const decimalIn = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const textIn = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function unitItem(tenantId: string, unit: InventoryUnit): Item {
  return {
    ...keys.unit(tenantId, unit.id),
    ...unit,
    quantity: decimalOut(unit.quantity),
    cost_per_unit: decimalOut(unit.cost_per_unit),
    purchase_quantity: decimalOut(unit.purchase_quantity),
    purchase_price: decimalOut(unit.purchase_price),
  };
}

export function unitFrom(item: Item): InventoryUnit {
  return {
    id: num(item.id),
    part_id: num(item.part_id),
    quantity: str(item.quantity),
    cost_per_unit: decimalIn(item.cost_per_unit),
    unit_id: num(item.unit_id),
    unit: str(item.unit),
    inventory_sublocation_id: num(item.inventory_sublocation_id),
    inventory_location: str(item.inventory_location),
    sublocation_bin: textIn(item.sublocation_bin),
    asset_id: textIn(item.asset_id),
    serial_number: textIn(item.serial_number),
    lot_code: textIn(item.lot_code),
    datecode: textIn(item.datecode),
    details: textIn(item.details),
    purchase_order_number: textIn(item.purchase_order_number),
    purchase_quantity: decimalIn(item.purchase_quantity),
    purchase_price: decimalIn(item.purchase_price),
    vendor: textIn(item.vendor),
    created_at: str(item.created_at),
    updated_at: str(item.updated_at),
    version: num(item.version),
  };
}

export function recordItem(tenantId: string, record: InventoryRecord): Item {
  return {
    ...keys.record(tenantId, record.unit_id, record.unit_version),
    ...record,
    quantity_change: NumberValue.from(record.quantity_change),
    quantity_after: NumberValue.from(record.quantity_after),
  };
}

export function recordFrom(item: Item): InventoryRecord {
  return {
    id: num(item.id),
    unit_id: num(item.unit_id),
    unit_version: num(item.unit_version),
    record_type: str(item.record_type) as RecordType,
    quantity_change: str(item.quantity_change),
    quantity_after: str(item.quantity_after),
    comment: textIn(item.comment),
    inventory_location: str(item.inventory_location),
    created_at: str(item.created_at),
  };
}

export const assetItem = (tenantId: string, assetId: string, unitId: number): Item => ({
  ...keys.asset(tenantId, assetId),
  unit_id: unitId,
});

/** Counter values are the last id handed out; the next ADD continues above them. */
export const countersItem = (tenantId: string, last: Partial<Record<CounterName, number>>): Item => ({
  ...keys.counters(tenantId),
  ...last,
});

/** Every item a unit needs beside itself and its lists when it is first written (seed data, bench). */
export function unitWithDependents(tenantId: string, unit: InventoryUnit, records: InventoryRecord[]): Item[] {
  const values = indexValues(unit);
  return [
    unitItem(tenantId, unit),
    ...records.map((r) => recordItem(tenantId, r)),
    ...(unit.asset_id ? [assetItem(tenantId, unit.asset_id, unit.id)] : []),
    ...Object.entries(values).map(([field, v]) => indexItem(tenantId, field as SearchField, v, unit.id)),
    searchRecordItem(tenantId, unit),
  ];
}

/** The lists of a tenant whose units are exactly `units` (seed data, bench). */
export function unitListItems(tenantId: string, units: Pick<InventoryUnit, 'id' | 'part_id'>[]): Item[] {
  const sorted = [...units].sort((a, b) => a.id - b.id);
  const parts = [...new Set(sorted.map((u) => u.part_id))];
  return [
    ...listItems(tenantId, 'all', sorted.map((u) => u.id)),
    ...parts.flatMap((part) => listItems(tenantId, { part }, sorted.filter((u) => u.part_id === part).map((u) => u.id))),
  ];
}

/** A tenant's units with everything they need: seed data, bench and test tenants. */
export function tenantUnitItems(tenantId: string, units: { unit: InventoryUnit; records: InventoryRecord[] }[]): Item[] {
  return [
    ...units.flatMap(({ unit, records }) => unitWithDependents(tenantId, unit, records)),
    ...unitListItems(tenantId, units.map(({ unit }) => unit)),
  ];
}
