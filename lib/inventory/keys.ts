/**
 * The inventory table's layout: every key and every item shape is built here and nowhere
 * else (repository.ts runs the commands, demo.ts and tests put reference data through the
 * builders). Every key starts with the tenant.
 *
 *   pk                              sk               what
 *   T#<t>#PART#<id>                 PART             part: part_number, description
 *   T#<t>#UOM#<id>                  UOM              unit of measure: name
 *   T#<t>#LOC#<id>                  LOC              location: name
 *   T#<t>#SUBLOC#<id>               SUBLOC           sublocation: name, location_id, label "<loc> - <sub>"
 *   T#<t>#UNIT#<id>                 UNIT             inventory unit (model.ts fields + version)
 *   T#<t>#UNIT#<id>                 REC#<version, 0-padded>  its log: one entry per unit version, so
 *                                                    the partition holds it in commit order
 *   T#<t>#ASSET#<asset_id>          ASSET            claims an asset id (written with attribute_not_exists)
 *   T#<t>#COUNTERS                  COUNTERS         unit / record / asset: last value handed out (ADD)
 *   T#<t>#IDX#<field>               <lower value>#<unit id, 0-padded>   search index item: v, u
 *   T#<t>#IDX#sublocation           <sublocation id>#<unit id, 0-padded>  the same for inventory_location
 *   T#<t>#S#<shard 0-f>             <unit id>        search record: every searchable text value of the unit
 *                                                    but inventory_location
 *   T#<t>#LIST                      COUNT            the tenant's unit list: n (units), last (highest id)
 *   T#<t>#LIST                      B#<block, 0-padded>  ids: unit ids at positions block*100 .. +99
 *   T#<t>#LIST#PART#<id>            COUNT / B#<block>    the same list for one part
 *
 * Search index items (one per unit and non-empty searchable field) are tiny on purpose:
 * equals / starts_with read them instead of units. `v` holds the whole lower-cased value for
 * filters (key attributes cannot be filtered on); the sort key holds at most a prefix of it,
 * so long multi-byte values stay under DynamoDB's 1 KiB sort key limit.
 *
 * `inventory_location` is indexed by the unit's sublocation id, not by its label: the label is
 * resolved from the current names (labels.ts), so a rename changes no index item; search
 * matches a term against the current labels first, then reads the index of each sublocation
 * that matched (search.ts).
 *
 * Search records (one per unit) hold all its lower-cased searchable values under one-letter
 * names, so `contains` reads one small item per unit whatever the fields; they are spread over
 * SHARDS partitions by unit id, read in parallel, so no partition serves more than 1/16 of it.
 *
 * Unit lists number a tenant's (and each part's) units 0, 1, 2... in id order, 100 to a block
 * item, so page N is one or two blocks whatever N, and the count is one item. The count, the
 * highest id and the block are changed in the transaction that creates a unit, conditioned on
 * the count read: positions are dense and in id order (repository-writes.ts).
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { padSeq } from '../db/sequenced';
import type { InventoryRecord, InventoryUnit, RecordType } from './model';
import type { Item, Key } from '../db/types';
export type { Item, Key } from '../db/types';

export interface Part {
  id: number;
  part_number: string;
  description: string;
  manufacturer?: string | null;
  manufacturer_part_number?: string | null;
}
export interface UnitOfMeasure {
  id: number;
  name: string;
}
export interface Location {
  id: number;
  name: string;
}
export interface Sublocation {
  id: number;
  name: string;
  location_id: number;
  /** `"<location> - <sublocation>"`, the unit's `inventory_location`. */
  label: string;
}


export const SEARCH_FIELDS = [
  'asset_id',
  'serial_number',
  'lot_code',
  'datecode',
  'sublocation_bin',
  'details',
  'purchase_order_number',
  'inventory_location',
  'part_id',
] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export type CounterName = 'unit' | 'record' | 'asset';
export type RefList = 'PARTS' | 'UOMS' | 'LOCATIONS';

/** The tenant's whole unit list, or one part's. */
export type ListScope = 'all' | { part: number };

/** Search record partitions per tenant (hex digit in the key). */
export const SHARDS = 16;
/** Unit ids per list block: a page (at most 100) spans at most two blocks. */
export const LIST_BLOCK = 100;

const pad = (id: number) => String(id).padStart(12, '0');
const t = (tenantId: string) => `T#${tenantId}`;

export const keys = {
  part: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#PART#${id}`, sk: 'PART' }),
  uom: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#UOM#${id}`, sk: 'UOM' }),
  location: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#LOC#${id}`, sk: 'LOC' }),
  sublocation: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#SUBLOC#${id}`, sk: 'SUBLOC' }),
  unit: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#UNIT#${id}`, sk: 'UNIT' }),
  record: (tenantId: string, unitId: number, unitVersion: number): Key => ({
    pk: `${t(tenantId)}#UNIT#${unitId}`,
    sk: `REC#${pad(unitVersion)}`,
  }),
  recordPrefix: 'REC#',
  asset: (tenantId: string, assetId: string): Key => ({ pk: `${t(tenantId)}#ASSET#${assetId}`, sk: 'ASSET' }),
  counters: (tenantId: string): Key => ({ pk: `${t(tenantId)}#COUNTERS`, sk: 'COUNTERS' }),
  // Reference data over HTTP (docs/REFERENCE-DATA.md): its counters (ids, list positions,
  // the labels version), part number claims, and the gsi1 partition each list is read from.
  refCounters: (tenantId: string): Key => ({ pk: `${t(tenantId)}#REFCOUNTERS`, sk: 'REFCOUNTERS' }),
  partNumber: (tenantId: string, partNumber: string): Key => ({ pk: `${t(tenantId)}#PARTNO#${partNumber}`, sk: 'PARTNO' }),
  /**
   * A name claim: names are unique per kind within their scope (a sublocation's is its location;
   * locations and units of measure the tenant), like part numbers (docs/REFERENCE-DATA.md).
   */
  name: (tenantId: string, kind: NamedKind, scope: number, name: string): Key => ({
    pk: `${t(tenantId)}#NAME#${kind}#${scope}#${name}`,
    sk: 'NAME',
  }),
  refList: (tenantId: string, kind: RefList) => `${t(tenantId)}#REFLIST#${kind}`,
  indexPartition: (tenantId: string, field: SearchField) =>
    `${t(tenantId)}#IDX#${field === 'inventory_location' ? 'sublocation' : field}`,
  searchShard: (tenantId: string, shard: number) => `${t(tenantId)}#S#${shard.toString(16)}`,
  searchRecord: (tenantId: string, unitId: number): Key => ({
    pk: keys.searchShard(tenantId, unitId % SHARDS),
    sk: String(unitId),
  }),
  list: (tenantId: string, scope: ListScope) => `${t(tenantId)}#LIST${scope === 'all' ? '' : `#PART#${scope.part}`}`,
  listCount: (tenantId: string, scope: ListScope): Key => ({ pk: keys.list(tenantId, scope), sk: 'COUNT' }),
  listBlock: (tenantId: string, scope: ListScope, block: number): Key => ({
    pk: keys.list(tenantId, scope),
    sk: `B#${pad(block)}`,
  }),
};

// ------------------------------------------------------------------ search index items

/** At most this many UTF-8 bytes of a value go into an index sort key. */
const SORT_PREFIX_BYTES = 800;

/** The longest prefix of `value` within the sort key budget, and whether it is all of it. */
export function sortPrefix(value: string): { prefix: string; whole: boolean } {
  if (Buffer.byteLength(value) <= SORT_PREFIX_BYTES) return { prefix: value, whole: true };
  let prefix = '';
  let bytes = 0;
  for (const ch of value) {
    bytes += Buffer.byteLength(ch);
    if (bytes > SORT_PREFIX_BYTES) break;
    prefix += ch;
  }
  return { prefix, whole: false };
}

/** What each field's index item holds for the unit. */
function indexedValue(unit: InventoryUnit, field: SearchField): string | null {
  if (field === 'part_id') return String(unit.part_id);
  if (field === 'inventory_location') return String(unit.inventory_sublocation_id);
  return unit[field];
}

/**
 * The lower-cased searchable values of a unit (inventory_location: its sublocation id); empty
 * and null values are not indexed.
 */
export function indexValues(unit: InventoryUnit): Partial<Record<SearchField, string>> {
  const out: Partial<Record<SearchField, string>> = {};
  for (const field of SEARCH_FIELDS) {
    const raw = indexedValue(unit, field);
    if (raw !== null && raw !== '') out[field] = raw.toLowerCase();
  }
  return out;
}

export function indexKey(tenantId: string, field: SearchField, value: string, unitId: number): Key {
  return { pk: keys.indexPartition(tenantId, field), sk: `${sortPrefix(value).prefix}#${pad(unitId)}` };
}

export function indexItem(tenantId: string, field: SearchField, value: string, unitId: number): Item {
  return { ...indexKey(tenantId, field, value, unitId), v: value, u: unitId };
}

/** Fields a search record holds (a label is matched by name first, then by sublocation: search.ts). */
export type RecordField = Exclude<SearchField, 'inventory_location'>;

/** One-letter attribute names of the search record (item size is what a contains search pays for). */
export const RECORD_NAMES: Record<RecordField, string> = {
  asset_id: 'a',
  serial_number: 's',
  lot_code: 'l',
  datecode: 'd',
  sublocation_bin: 'b',
  details: 'x',
  purchase_order_number: 'o',
  part_id: 'p',
};

export function searchRecordItem(tenantId: string, unit: InventoryUnit): Item {
  const values = Object.entries(indexValues(unit)).flatMap(([field, v]) =>
    field === 'inventory_location' ? [] : [[RECORD_NAMES[field as RecordField], v]],
  );
  return { ...keys.searchRecord(tenantId, unit.id), ...Object.fromEntries(values) };
}

export const unitIdOfRecord = (item: Item): number => Number(item.sk);

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
/** The reference data whose names are unique (keys.name). */
export type NamedKind = 'location' | 'sublocation' | 'uom';
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
