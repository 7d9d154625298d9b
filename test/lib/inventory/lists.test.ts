/**
 * Unit lists (keys.ts): a tenant's and each part's units numbered densely in id order, so a
 * page of list-by-part or of a search without criteria reads the page, not the tenant, and
 * the totals stay exact across block boundaries and under concurrent creates.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { batchPutAll } from '../../../lib/db/batch';
import { tableName } from '../../../lib/db/tables';
import { createUnit, type CreateInput } from '../../../lib/inventory/create';
import { blankUnit } from '../../../lib/inventory/demo';
import { countersItem, tenantUnitItems } from '../../../lib/inventory/items';
import type { InventoryUnit } from '../../../lib/inventory/model';
import { listPartUnits } from '../../../lib/inventory/list-by-part';
import { readListSlice } from '../../../lib/inventory/repository';
import { searchUnits } from '../../../lib/inventory/search';
import { forgetLabelsVersion } from '../../../lib/inventory/labels';
import { splitUnit } from '../../../lib/inventory/split';
import { inventoryTenant, type InventoryTenant } from '../../functions/inventory/fixture';
import { countingReads } from './reads';

const SEEDED = 99; // one short of a full block: the creates below cross into the second

const seededUnit = (id: number, part: number): InventoryUnit => ({
  ...blankUnit, id, part_id: part, quantity: '5', unit_id: 1, unit: 'each', inventory_sublocation_id: 1,
  inventory_location: 'WH - Rack 1', lot_code: `SEED-${id}`, created_at: '2024-01-01T00:00:00+00:00', updated_at: '2024-01-01T00:00:00+00:00',
});
const input: CreateInput = {
  inventory_sublocation_id: 1, unit_id: 1, quantity: '5', asset_id: null, sublocation_bin: null, generate_asset_id: false, comment: null,
};
const ids = (page: { units: Record<string, unknown>[] }) => page.units.map((u) => u.id as number);

let t: InventoryTenant;
let part1: number[]; // the ids of part 1, ascending
let all: number[];

beforeAll(async () => {
  t = await inventoryTenant();
  // Units 1..99, odd ids in part 1, even in part 2, written directly in the list layout.
  const units = Array.from({ length: SEEDED }, (_, i) => seededUnit(i + 1, (i + 1) % 2 ? 1 : 2));
  await batchPutAll(tableName('inventory'), [
    ...tenantUnitItems(t.tenantId, units.map((unit) => ({ unit, records: [] }))),
    countersItem(t.tenantId, { unit: SEEDED, record: 0, asset: 0 }),
  ]);
  const created = [];
  for (let i = 0; i < 3; i++) created.push((await createUnit(t.tenantId, 1, input)).id as number);
  const [, splitOff] = await splitUnit(t.tenantId, 1, 1, { ...input, quantity: '1' });
  part1 = [...units.filter((u) => u.part_id === 1).map((u) => u.id), ...created, splitOff!.id as number];
  all = [...units.map((u) => u.id), ...created, splitOff!.id as number];
});

describe('unit lists', () => {
  it('number every unit once, in id order, across a block boundary (create and split append)', async () => {
    expect(all).toHaveLength(SEEDED + 4);
    expect((await readListSlice(t.tenantId, 'all', 0, 100)).ids).toEqual(all.slice(0, 100));
    const second = await readListSlice(t.tenantId, 'all', 90, 110);
    expect(second).toEqual({ total: SEEDED + 4, ids: all.slice(90) });
    const part = await readListSlice(t.tenantId, { part: 1 }, 0, 100);
    expect(part).toEqual({ total: part1.length, ids: part1, partExists: true });
  });

  it('page list-by-part and a search without criteria from the list, totals exact', async () => {
    const page = await listPartUnits(t.tenantId, 1, { page: 2, per_page: 30 });
    expect(ids(page)).toEqual(part1.slice(30, 60));
    expect(page.pagination).toMatchObject({ total_entries: part1.length, total_pages: 2, next_page: null });
    const spanning = await searchUnits(t.tenantId, {}, { page: 4, per_page: 30 });
    expect(ids(spanning)).toEqual(all.slice(90, 120));
    expect(spanning.pagination).toMatchObject({ total_entries: all.length, total_pages: 4, last_page: true });
  });

  it('read the page, the count and the blocks only, whatever the page', async () => {
    await searchUnits(t.tenantId, {}, { page: 1, per_page: 25 }); // a warm Lambda has the place names (labels.ts)
    for (const page of [1, 3]) {
      // A warm Lambda whose labels version has lapsed (read at most once a second, labels.ts) and one that holds it.
      for (const versionLapsed of [true, false]) {
        if (versionLapsed) forgetLabelsVersion(t.tenantId);
        const { calls } = await countingReads(() => searchUnits(t.tenantId, {}, { page, per_page: 25 }));
        const inventory = calls.filter((c) => c.partitions.every((p) => p.startsWith(`T#${t.tenantId}#`)));
        // the labels version when lapsed (started first, in parallel), the list slice, the page's units
        expect(inventory.map((c) => c.name).sort()).toEqual(['BatchGetCommand', 'BatchGetCommand', ...(versionLapsed ? ['GetCommand'] : [])]);
        // version + count + at most two blocks, then the 25 units of the page
        expect(inventory.reduce((sum, c) => sum + c.items, 0)).toBeLessThanOrEqual(1 + 25 + 3);
        expect(calls.some((c) => c.name === 'QueryCommand' || c.name === 'ScanCommand')).toBe(false);
      }
    }
    const { calls } = await countingReads(() => listPartUnits(t.tenantId, 2, { page: 2, per_page: 25 }));
    expect(calls.filter((c) => c.name === 'BatchGetCommand').reduce((sum, c) => sum + c.items, 0)).toBeLessThanOrEqual(25 + 4);
  });

  it('answer an unknown part with 404 and an empty part with no units', async () => {
    await expect(listPartUnits(t.tenantId, 3, { page: 1, per_page: 25 })).rejects.toThrow('Not found');
    expect(await readListSlice(t.tenantId, { part: 2 }, 500, 525)).toMatchObject({ ids: [], partExists: true });
  });
});

describe('unit lists under concurrent creates from separate containers', () => {
  it('stay dense and in id order', async () => {
    const c = await inventoryTenant();
    const handlers: (typeof import('../../../functions/inventory/create'))['handler'][] = [];
    for (let i = 0; i < 4; i++) {
      vi.resetModules();
      handlers.push((await import('../../../functions/inventory/create')).handler);
    }
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        c.send('create', { part_id: 1 + (i % 2), body: { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 1 } } }, handlers[i % 4]),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    const created = results.map((r) => (r.json as { inventory_unit: { id: number; part_id: number } }).inventory_unit);
    const sorted = (part?: number) => created.filter((u) => part === undefined || u.part_id === part).map((u) => u.id).sort((a, b) => a - b);
    expect(await readListSlice(c.tenantId, 'all', 0, 100)).toEqual({ total: 12, ids: sorted() });
    for (const part of [1, 2]) {
      expect(await readListSlice(c.tenantId, { part }, 0, 100)).toEqual({ total: 6, ids: sorted(part), partExists: true });
    }
  });
});
