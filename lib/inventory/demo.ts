/**
 * Demo inventory (SPEC section 6), written only where absent so a second load keeps what
 * changed since. A unit comes with its log, asset claim, search index items and search
 * record; those are written only together with a unit that is absent, because re-adding the
 * index items of a unit whose values changed since would leave stale search entries. The
 * tenant's and parts' unit lists are written where absent.
 */
import { putAllIfAbsent } from '../db/seed';
import { countersItem, locationItem, partItem, nameItem, partNumberItem, refCountersItem, sublocationItem, unitListItems, unitWithDependents, uomItem } from './items';
import type { CounterName, Item } from './keys';
import type { Location } from './model';
import { logEntry, type InventoryUnit } from './model';
import { getUnit } from './repository';

/** A unit's optional fields, all empty (demo and bench units start from it). */
export const blankUnit = {
  cost_per_unit: null,
  sublocation_bin: null,
  asset_id: null,
  serial_number: null,
  lot_code: null,
  datecode: null,
  details: null,
  purchase_order_number: null,
  purchase_quantity: null,
  purchase_price: null,
  vendor: null,
  version: 1,
} satisfies Partial<InventoryUnit>;

const cdhq: Location = { id: 1, name: 'CDHQ' };
const fun: Location = { id: 2, name: 'FUN' };

/** Unit 52 exactly as the seed's show example; serial_number is "" there, details null. */
const demoUnit52: InventoryUnit = {
  ...blankUnit,
  id: 52,
  part_id: 728,
  quantity: '3600',
  cost_per_unit: '0.009',
  unit_id: 2,
  unit: 'each',
  inventory_sublocation_id: 1,
  inventory_location: 'CDHQ - General Storage',
  asset_id: 'A0000000',
  serial_number: '',
  lot_code: 'XKG982MAL',
  datecode: '201019',
  created_at: '2013-11-14T10:34:00+00:00',
  updated_at: '2014-03-13T06:39:00+00:00',
};

/** Unit 104: no asset id, no cost; the seed's split example shows its other strings empty. */
const demoUnit104: InventoryUnit = {
  ...blankUnit,
  id: 104,
  part_id: 728,
  quantity: '1275',
  unit_id: 2,
  unit: 'each',
  inventory_sublocation_id: 2,
  inventory_location: 'FUN - Bin 34A',
  serial_number: '',
  lot_code: '',
  datecode: '',
  created_at: '2016-12-13T10:58:14+00:00',
  updated_at: '2016-12-14T13:24:48+00:00',
};

const otherUnit52: InventoryUnit = {
  ...blankUnit,
  id: 52,
  part_id: 728,
  quantity: '1',
  unit_id: 1,
  unit: 'each',
  inventory_sublocation_id: 1,
  inventory_location: 'Main - Shelf A',
  created_at: '2015-01-05T09:00:00+00:00',
  updated_at: '2015-01-05T09:00:00+00:00',
};

/** The "create" log entry a seeded unit starts with. */
const created = (unit: InventoryUnit, recordId: number) =>
  logEntry(recordId, unit, 'create', unit.quantity, null, unit.created_at);

async function seedUnits(tenantId: string, units: [InventoryUnit, number][]): Promise<void> {
  await Promise.all(
    units.map(async ([unit, recordId]) => {
      if (await getUnit(tenantId, unit.id)) return;
      await putAllIfAbsent('inventory', unitWithDependents(tenantId, unit, [created(unit, recordId)]));
    }),
  );
  // The lists hold exactly the seeded units until a unit is created; once there, left alone.
  await putAllIfAbsent('inventory', unitListItems(tenantId, units.map(([unit]) => unit)));
}

/**
 * Tenant demo's reference data (also used to give test and bench tenants the same shape).
 * New ids continue above the seeded ones; A0000000 is taken, so the next asset id is A0000001.
 */
export function demoReferenceData(t = 'demo', counters: Partial<Record<CounterName, number>> = { unit: 104, record: 2, asset: 1 }): Item[] {
  return [
    // The second argument is the list position (docs/REFERENCE-DATA.md).
    uomItem(t, { id: 1, name: 'box' }, 1),
    uomItem(t, { id: 2, name: 'each' }, 2),
    locationItem(t, cdhq, 1),
    locationItem(t, fun, 2),
    sublocationItem(t, { id: 1, name: 'General Storage' }, cdhq, 1),
    sublocationItem(t, { id: 3, name: 'Bin 14' }, cdhq, 1),
    sublocationItem(t, { id: 2, name: 'Bin 34A' }, fun, 2),
    partItem(t, { id: 728, part_number: 'RES-10K-0603', description: 'Resistor 10k 0603' }, 1),
    partItem(t, { id: 730, part_number: 'CAP-100N-0603', description: 'Capacitor 100n 0603' }, 2),
    partNumberItem(t, 'RES-10K-0603', 728),
    partNumberItem(t, 'CAP-100N-0603', 730),
    nameItem(t, 'uom', 0, 'box', 1),
    nameItem(t, 'uom', 0, 'each', 2),
    nameItem(t, 'location', 0, cdhq.name, cdhq.id),
    nameItem(t, 'location', 0, fun.name, fun.id),
    nameItem(t, 'sublocation', cdhq.id, 'General Storage', 1),
    nameItem(t, 'sublocation', cdhq.id, 'Bin 14', 3),
    nameItem(t, 'sublocation', fun.id, 'Bin 34A', 2),
    countersItem(t, counters),
    refCountersItem(t, { part: 730, parts: 2, uom: 2, uoms: 2, location: 2, locations: 2, sublocation: 3, sublocations: 3 }),
  ];
}

function otherReferenceData(): Item[] {
  const t = 'other';
  const main: Location = { id: 1, name: 'Main' };
  return [
    uomItem(t, { id: 1, name: 'each' }, 1),
    locationItem(t, main, 1),
    sublocationItem(t, { id: 1, name: 'Shelf A' }, main, 1),
    partItem(t, { id: 728, part_number: 'RES-10K-0603', description: 'Resistor 10k 0603' }, 1),
    partNumberItem(t, 'RES-10K-0603', 728),
    nameItem(t, 'uom', 0, 'each', 1),
    nameItem(t, 'location', 0, main.name, main.id),
    nameItem(t, 'sublocation', main.id, 'Shelf A', 1),
    countersItem(t, { unit: 52, record: 1, asset: 0 }),
    refCountersItem(t, { part: 728, parts: 1, uom: 1, uoms: 1, location: 1, locations: 1, sublocation: 1, sublocations: 1 }),
  ];
}

export async function seedDemoInventory(): Promise<void> {
  await putAllIfAbsent('inventory', [...demoReferenceData(), ...otherReferenceData()]);
  await Promise.all([
    seedUnits('demo', [
      [demoUnit52, 1],
      [demoUnit104, 2],
    ]),
    seedUnits('other', [[otherUnit52, 1]]),
  ]);
}
