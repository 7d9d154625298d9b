/**
 * The inventory unit and its log entries as the domain holds them, and how they are
 * rendered on the wire (SPEC 5.2). Field names are the API's, so stored items, domain
 * values and responses read the same.
 *
 * Numbers: decimals are kept as their exact canonical text (see decimal.ts).
 * - Quantities (`quantity`, `quantity_available`, `quantity_change`, `quantity_after`,
 *   `purchase_quantity`) are written as JSON numbers whose text is the exact decimal
 *   (`3600`, `0.3`); storage limits guarantee that text survives the double.
 * - Money (`cost_per_unit`, `purchase_price`) is written as Rails writes a BigDecimal:
 *   a string with at least one fractional digit (`"14.0"`, `"0.009"`), in JSON and XML.
 * - A missing value is null (`<details/>`); an empty string stays "" (`<serial_number></serial_number>`).
 */
import { compareDecimals, toJsonNumber, toRailsDecimal } from './decimal';

export interface InventoryUnit {
  id: number;
  part_id: number;
  quantity: string;
  cost_per_unit: string | null;
  unit_id: number;
  /** Name of the unit of measure, copied from it when the unit is written. */
  unit: string;
  inventory_sublocation_id: number;
  /** `"<location> - <sublocation>"`: stored as it was when the unit was written (its log keeps it); shown from the current names (labels.ts). */
  inventory_location: string;
  sublocation_bin: string | null;
  asset_id: string | null;
  serial_number: string | null;
  lot_code: string | null;
  datecode: string | null;
  details: string | null;
  purchase_order_number: string | null;
  purchase_quantity: string | null;
  purchase_price: string | null;
  vendor: string | null;
  created_at: string;
  updated_at: string;
  /** Bumped by every write; writes are conditioned on the version they read. */
  version: number;
}

export type RecordType = 'create' | 'adjust' | 'consume' | 'move' | 'split';

export interface InventoryRecord {
  id: number;
  unit_id: number;
  /** The unit's version this change produced: orders the log by commit, whatever the ids. */
  unit_version: number;
  record_type: RecordType;
  quantity_change: string;
  quantity_after: string;
  comment: string | null;
  inventory_location: string;
  created_at: string;
}

/** What a unit created through the API (create, split) starts with beside its own values. */
export function freshUnitFields(now: string): Pick<InventoryUnit, 'purchase_quantity' | 'purchase_price' | 'vendor' | 'created_at' | 'updated_at' | 'version'> {
  return { purchase_quantity: null, purchase_price: null, vendor: null, created_at: now, updated_at: now, version: 1 };
}

/** The log entry of the change that produced `unit` (its current version). */
export function logEntry(
  id: number,
  unit: InventoryUnit,
  record_type: RecordType,
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

/** ISO 8601 with an explicit offset and whole seconds, as Rails writes times: `2013-11-14T10:34:00+00:00`. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const money = (value: string | null) => (value === null ? null : toRailsDecimal(value));
const count = (value: string | null) => (value === null ? null : toJsonNumber(value));

/** The unit as returned, keys in the SPEC's order (XML elements follow it). */
export function renderUnit(unit: InventoryUnit, currency: string): Record<string, unknown> {
  const available = compareDecimals(unit.quantity, '0') < 0 ? '0' : unit.quantity;
  return {
    id: unit.id,
    quantity: count(unit.quantity),
    quantity_available: count(available),
    unit: unit.unit,
    cost_per_unit: money(unit.cost_per_unit),
    currency,
    inventory_location: unit.inventory_location,
    sublocation_bin: unit.sublocation_bin,
    asset_id: unit.asset_id,
    serial_number: unit.serial_number,
    lot_code: unit.lot_code,
    datecode: unit.datecode,
    details: unit.details,
    purchase_order_number: unit.purchase_order_number,
    purchase_quantity: count(unit.purchase_quantity),
    purchase_price: money(unit.purchase_price),
    vendor: unit.vendor,
    created_at: unit.created_at,
    updated_at: unit.updated_at,
    part_id: unit.part_id,
    inventory_sublocation_id: unit.inventory_sublocation_id,
    unit_id: unit.unit_id,
  };
}

export function renderRecord(record: InventoryRecord): Record<string, unknown> {
  return {
    id: record.id,
    record_type: record.record_type,
    quantity_change: count(record.quantity_change),
    quantity_after: count(record.quantity_after),
    comment: record.comment,
    inventory_location: record.inventory_location,
    created_at: record.created_at,
  };
}

// ------------------------------------------------------------------ reference data

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

/** The fields search filters on (search.ts); search-index.ts builds their items. */
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
