/**
 * Inventory units (SPEC 5.2): every function once on a small tenant (typical), and the reads
 * at tenant sizes 1k / 10k / 100k units: search (equals, starts_with, contains, lone term0, no
 * criteria) and list by part, first and last page.
 */
import type { Scenario } from '../harness';
import { inventoryTenant, warmTenant, type InventoryWorld } from '../world';
import { HOT_LOT, PART_ID } from '../../inventory-data';

const PART = PART_ID;
const unitRoute = '/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}';
const base = (w: InventoryWorld) => `/api/v2/${w.tenant.inventoryToken}`;
const TYPICAL = 100;
const typical = () => inventoryTenant(TYPICAL, '-writes');

/** A unit nobody changed yet, on the typical tenant. */
const freshUnit = async () => {
  const w = await typical();
  return { w, id: w.take() };
};

const json = (body: unknown) => ({ body: body as Record<string, unknown> });

export const inventoryWrites: Scenario<{ w: InventoryWorld; id: number }>[] = [
  {
    name: 'show_unit',
    fn: 'showInventoryUnit',
    warm: ({ w }) => warmTenant(w.tenant, 'inventory'),
    small: true,
    note: 'GET one unit with every field set',
    reusable: true,
    prepare: async () => {
      const w = await typical();
      return { w, id: w.showUnitId };
    },
    call: ({ w, id }) => ({ http: { path: `${base(w)}/parts/${PART}/inventory_units/${id}`, route: unitRoute } }),
    minimum: { requests: 1, rounds: 1, rcu: 0.5, wru: 0, why: 'the unit (~400 B), eventually consistent' },
  },
  {
    name: 'update_unit',
    fn: 'updateInventoryUnit',
    warm: ({ w }) => warmTenant(w.tenant, 'inventory'),
    small: true,
    note: 'PUT details of one unit (one indexed text field changes)',
    prepare: freshUnit,
    call: ({ w, id }) => ({
      http: { method: 'PUT', path: `${base(w)}/parts/${PART}/inventory_units/${id}`, route: unitRoute, ...json({ inventory_unit: { details: 'Counted again' } }) },
    }),
    minimum: { requests: 2, rounds: 2, rcu: 1, wru: 4, why: 'read the unit; one transaction: unit + the new details index entry (x2)' },
  },
  {
    name: 'adjust_unit',
    fn: 'adjustInventoryUnitQuantity',
    warm: ({ w }) => warmTenant(w.tenant, 'inventory'),
    small: true,
    note: 'PUT adjust_quantity with an inventory record',
    prepare: freshUnit,
    call: ({ w, id }) => ({
      http: {
        method: 'PUT',
        path: `${base(w)}/parts/${PART}/inventory_units/${id}/adjust_quantity`,
        route: `${unitRoute}/adjust_quantity`,
        ...json({ inventory_unit: { quantity: '1275', inventory_record: { adjustment_type: 'adjust', comment: 'stock count' } } }),
      },
    }),
    minimum: { requests: 3, rounds: 2, rcu: 1, wru: 5, why: 'unit read and record id counter in parallel; transaction: unit + record (x2)' },
  },
  {
    name: 'move_unit',
    fn: 'moveInventoryUnit',
    warm: ({ w }) => warmTenant(w.tenant, 'inventory'),
    small: true,
    note: 'PUT move to another sublocation (location index entry changes)',
    prepare: freshUnit,
    call: ({ w, id }) => ({
      http: {
        method: 'PUT',
        path: `${base(w)}/parts/${PART}/inventory_units/${id}/move`,
        route: `${unitRoute}/move`,
        ...json({ inventory_unit: { inventory_sublocation_id: w.otherSublocationId, sublocation_bin: 'A1', inventory_record: { comment: 'moved' } } }),
      },
    }),
    minimum: { requests: 4, rounds: 2, rcu: 1.5, wru: 9, why: 'unit, sublocation, record id counter in parallel; transaction: unit, record, location index entry deleted + put (x2)' },
  },
  {
    name: 'split_unit',
    fn: 'splitInventoryUnit',
    warm: ({ w }) => warmTenant(w.tenant, 'inventory'),
    small: true,
    note: 'POST split 5 into the other sublocation',
    prepare: freshUnit,
    call: ({ w, id }) => ({
      http: {
        method: 'POST',
        path: `${base(w)}/parts/${PART}/inventory_units/${id}/split`,
        route: `${unitRoute}/split`,
        ...json({ inventory_unit: { inventory_sublocation_id: w.otherSublocationId, quantity: '5', inventory_record: { comment: 'split' } } }),
      },
    }),
    minimum: { requests: 4, rounds: 2, rcu: 1.5, wru: 15, why: 'unit, sublocation, id counters in parallel; transaction: 2 units, 2 records, the new unit\'s 3 index entries (x2)' },
  },
  {
    name: 'create_unit',
    fn: 'createInventoryUnit',
    warm: ({ w }) => warmTenant(w.tenant, 'inventory'),
    small: true,
    note: 'POST a new unit with a lot code and a record',
    reusable: true,
    prepare: async () => ({ w: await typical(), id: 0 }),
    call: ({ w }) => ({
      http: {
        method: 'POST',
        path: `${base(w)}/parts/${PART}/inventory_units`,
        route: '/api/v2/{api_token}/parts/{part_id}/inventory_units',
        ...json({ inventory_unit: { quantity: '10', inventory_sublocation_id: 1, unit_id: 2, lot_code: 'NEW-LOT', inventory_record: { comment: 'received' } } }),
      },
    }),
    minimum: { requests: 3, rounds: 2, rcu: 1.5, wru: 11, why: 'part + uom + sublocation (one BatchGet) and id counters in parallel; transaction: unit, record, 3 index entries (x2)' },
  },
  {
    name: 'records',
    fn: 'listInventoryRecords',
    warm: ({ w }) => warmTenant(w.tenant, 'inventory'),
    small: true,
    note: 'GET inventory_records of a unit with one record',
    reusable: true,
    prepare: async () => {
      const w = await typical();
      return { w, id: w.showUnitId };
    },
    call: ({ w, id }) => ({
      http: { path: `${base(w)}/parts/${PART}/inventory_units/${id}/inventory_records`, route: `${unitRoute}/inventory_records` },
    }),
    minimum: { requests: 2, rounds: 1, rcu: 1, wru: 0, why: 'the unit and one Query page of its records, in parallel' },
  },
];

const SEARCH_ROUTE = '/api/v2/{api_token}/inventory_units/search';
const term = encodeURIComponent(HOT_LOT.toLowerCase());
/** KB read by a search: index entries ~80 B, compact search records ~40 B (one field) / ~120 B (all), units ~400 B. */
const rcuFor = (kb: number) => Math.max(0.5, Math.ceil(kb / 4) / 2);
const page = (n: number) => Math.min(25, Math.ceil(n / 100));
const searches: [string, string, (units: number) => Scenario['minimum']][] = [
  ['search_equals', `field0=lot_code&comparison0=equals&term0=${term}`, (n) => ({ requests: 2, rounds: 2, rcu: rcuFor((n / 100) * 0.08) + page(n) * 0.5, wru: 0, why: 'index Query of the matches (1 %, for the total); BatchGet of the page\'s units' })],
  ['search_starts_with', `field0=lot_code&comparison0=starts_with&term0=${term}`, (n) => ({ requests: 2, rounds: 2, rcu: rcuFor((n / 100) * 0.08) + page(n) * 0.5, wru: 0, why: 'as equals: a key range of the index' })],
  ['search_contains', `field0=lot_code&comparison0=contains&term0=${term}`, (n) => ({ requests: 1 + Math.ceil((n * 0.04) / 1024), rounds: 2, rcu: rcuFor(n * 0.04) + page(n) * 0.5, wru: 0, why: 'one compact record per unit (~40 B) read in parallel 1 MB pages; BatchGet of the page' })],
  ['search_term0', `term0=${term}`, (n) => ({ requests: 1 + Math.ceil((n * 0.12) / 1024), rounds: 2, rcu: rcuFor(n * 0.12) + page(n) * 0.5, wru: 0, why: 'one compact record of all text fields per unit (~120 B), in parallel; BatchGet of the page' })],
  ['search_all', '', () => ({ requests: 2, rounds: 1, rcu: 7, wru: 0, why: 'a key-range Query of 25 units (~10 KB) + the tenant\'s unit counter' })],
];

const sizeName = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

export function inventoryReads(sizes: number[]): Scenario<InventoryWorld>[] {
  const out: Scenario<InventoryWorld>[] = [];
  for (const units of sizes) {
    const tenant = () => inventoryTenant(units);
    for (const [name, query, minimum] of searches) {
      out.push({
        name: `${name}_${sizeName(units)}`,
        fn: 'searchInventoryUnits',
        warm: (w) => warmTenant(w.tenant, 'inventory'),
        small: units <= 1000,
        note: `search ${query || '(no criteria)'}, first page, ${units} units (1 % match)`,
        reusable: true,
        prepare: tenant,
        call: (w) => ({ http: { path: `${base(w)}/inventory_units/search${query ? `?${query}` : ''}`, route: SEARCH_ROUTE } }),
        minimum: minimum(units),
      });
    }
    const lastPage = Math.ceil((units + 1) / 100);
    for (const [which, page] of [
      ['first', 1],
      ['last', lastPage],
    ] as const) {
      out.push({
        name: `list_part_${which}_${sizeName(units)}`,
        fn: 'listPartInventoryUnits',
        warm: (w) => warmTenant(w.tenant, 'inventory'),
        small: units <= 1000,
        note: `list part ${PART}, per_page 100, page ${page}, ${units} units in the part`,
        reusable: true,
        prepare: tenant,
        call: (w) => ({
          http: { path: `${base(w)}/parts/${PART}/inventory_units?page=${page}&per_page=100`, route: '/api/v2/{api_token}/parts/{part_id}/inventory_units' },
        }),
        minimum: { requests: 2, rounds: 1, rcu: 5.5, wru: 0, why: 'the part with its unit counter; one key-range Query of 100 units (~40 KB)' },
      });
    }
  }
  return out;
}
