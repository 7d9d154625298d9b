/**
 * An inventory tenant with `units` units, written fast: the items come from the inventory
 * module's own builders (the demo tenant's reference data, lib/inventory/keys.ts for the units
 * with their search index items, search records and lists) and go in with BatchWriteItem, not through thousands of API
 * calls. Every `matchEvery`-th unit has the lot code `HOT-LOT`, so a search for it matches
 * 1 / matchEvery of the units.
 */
import { batchPutAll } from '../lib/db/batch';
import { tableName } from '../lib/db/tables';
import { blankUnit, demoReferenceData } from '../lib/inventory/demo';
import { tenantUnitItems } from '../lib/inventory/items';
import type { Item } from '../lib/inventory/keys';
import type { InventoryUnit } from '../lib/inventory/model';

export const HOT_LOT = 'HOT-LOT';
/** The demo part; its unit of measure 2 (`each`) and sublocation 1 (CDHQ - General Storage) come with it. */
export const PART_ID = 728;

export interface InventoryFixture {
  units: number;
  matching: number;
  /** A unit to show: part PART_ID, with every field set. */
  showUnitId: number;
}

function unit(id: number, hot: boolean): InventoryUnit {
  return {
    ...blankUnit,
    id,
    part_id: PART_ID,
    quantity: String(100 + (id % 900)),
    cost_per_unit: '0.009',
    unit_id: 2,
    unit: 'each',
    inventory_sublocation_id: 1,
    inventory_location: 'CDHQ - General Storage',
    lot_code: hot ? HOT_LOT : `LOT-${String(id).padStart(6, '0')}`,
    created_at: '2024-01-01T00:00:00+00:00',
    updated_at: '2024-01-01T00:00:00+00:00',
  };
}

/** The unit shown by the handler scenarios: like the seed's unit 52, every field filled in. */
function showUnit(id: number): InventoryUnit {
  return {
    ...unit(id, false),
    quantity: '3600',
    sublocation_bin: 'B7',
    asset_id: 'A0000001',
    serial_number: 'SN-1',
    lot_code: 'XKG982MAL',
    datecode: '201019',
    details: 'Reel of 5000 <tape & reel>',
    purchase_order_number: 'PO-1',
    purchase_quantity: '5000',
    purchase_price: '45',
    vendor: 'Digi-Key',
  };
}

export async function seedInventory(tenantId: string, units: number, matchEvery: number): Promise<InventoryFixture> {
  const items: Item[] = demoReferenceData(tenantId, { unit: units + 1, record: 0, asset: 1 });
  const all: InventoryUnit[] = [];
  let matching = 0;
  for (let id = 1; id <= units; id++) {
    const hot = id % matchEvery === 0;
    if (hot) matching++;
    all.push(unit(id, hot));
  }
  const showUnitId = units + 1;
  all.push(showUnit(showUnitId));
  // A loop, not push(...spread): at 100k units the spread exceeds the call stack.
  for (const item of tenantUnitItems(tenantId, all.map((u) => ({ unit: u, records: [] })))) items.push(item);
  await batchPutAll(tableName('inventory'), items, { concurrency: 16 });
  return { units: units + 1, matching, showUnitId };
}
