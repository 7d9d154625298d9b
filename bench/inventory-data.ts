/**
 * An inventory tenant with `units` units, written fast: the items come from the inventory
 * module's own builders (lib/inventory/keys.ts: the unit, its search index items) and go in
 * with BatchWriteItem, not through thousands of API calls. Every `matchEvery`-th unit has the
 * lot code `HOT-LOT`, so a search for it matches 1 / matchEvery of the units.
 */
import { batchPutAll } from '../lib/db/batch';
import { tableName } from '../lib/db/tables';
import {
  countersItem,
  locationItem,
  partItem,
  sublocationItem,
  unitWithDependents,
  uomItem,
  type Item,
} from '../lib/inventory/keys';
import { blankUnit } from '../lib/inventory/demo';
import type { InventoryUnit } from '../lib/inventory/model';

export const HOT_LOT = 'HOT-LOT';
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
  const cdhq = { id: 1, name: 'CDHQ' };
  const items: Item[] = [
    partItem(tenantId, { id: PART_ID, part_number: 'RES-10K-0603', description: 'Resistor 10k 0603' }),
    uomItem(tenantId, { id: 2, name: 'each' }),
    locationItem(tenantId, cdhq),
    sublocationItem(tenantId, { id: 1, name: 'General Storage' }, cdhq),
    countersItem(tenantId, { unit: units + 1, record: 0, asset: 1 }),
  ];
  let matching = 0;
  for (let id = 1; id <= units; id++) {
    const hot = id % matchEvery === 0;
    if (hot) matching++;
    items.push(...unitWithDependents(tenantId, unit(id, hot), []));
  }
  const showUnitId = units + 1;
  items.push(...unitWithDependents(tenantId, showUnit(showUnitId), []));
  await batchPutAll(tableName('inventory'), items, { concurrency: 16 });
  return { units: units + 1, matching, showUnitId };
}
