/**
 * Success bodies of the inventory handlers (zod), for `handler({ output })` and
 * scripts/openapi-document.ts. Each body has one key, which is also the XML root
 * (`{inventory_unit: {...}}` -> `<inventory_unit>`); arrays get singular children.
 */
import * as z from 'zod';

/** A quantity: a JSON number, or its exact decimal text when a float would change it. */
const quantity = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);
/** Money as Rails writes a BigDecimal: at least one fractional digit (`"14.0"`). */
const money = z.string().regex(/^-?\d+\.\d+$/);
const id = z.int().positive();
const text = z.string().nullable();

export const inventoryUnit = z.object({
  id,
  quantity,
  quantity_available: quantity,
  unit: z.string(),
  cost_per_unit: money.nullable(),
  currency: z.string(),
  inventory_location: z.string(),
  sublocation_bin: text,
  asset_id: text,
  serial_number: text,
  lot_code: text,
  datecode: text,
  details: text,
  purchase_order_number: text,
  purchase_quantity: quantity.nullable(),
  purchase_price: money.nullable(),
  vendor: text,
  created_at: z.string(),
  updated_at: z.string(),
  part_id: id,
  inventory_sublocation_id: id,
  unit_id: id,
});

export const inventoryRecord = z.object({
  id,
  record_type: z.enum(['create', 'adjust', 'consume', 'move', 'split']),
  quantity_change: quantity,
  quantity_after: quantity,
  comment: text,
  inventory_location: z.string(),
  created_at: z.string(),
});

export const part = z.object({
  id,
  part_number: z.string(),
  description: z.string(),
  manufacturer: text,
  manufacturer_part_number: text,
});

const named = z.object({ id, name: z.string() });
/** A location; with its sublocations where the answer lists them (list, create). */
export const location = named.extend({ inventory_sublocations: z.array(named).optional() });
export const sublocation = named.extend({ inventory_location_id: id });

export const unitBody = z.object({ inventory_unit: inventoryUnit });
export const unitsBody = z.object({ inventory_units: z.array(inventoryUnit) });
export const recordsBody = z.object({ inventory_records: z.array(inventoryRecord) });
export const partBody = z.object({ part });
export const partsBody = z.object({ parts: z.array(part) });
export const locationBody = z.object({ inventory_location: location });
export const locationsBody = z.object({ inventory_locations: z.array(location) });
export const sublocationBody = z.object({ inventory_sublocation: sublocation });
export const unitOfMeasureBody = z.object({ unit: named });
export const unitsOfMeasureBody = z.object({ units: z.array(named) });
