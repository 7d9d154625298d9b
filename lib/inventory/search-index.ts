/**
 * The search items of a unit (key layout: keys.ts).
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
 */
import { keys, indexKey, type Item } from './keys';
import { SEARCH_FIELDS, type InventoryUnit, type SearchField } from './model';

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
