/**
 * contains and the lone term0 read one search record per unit (all its searchable values at
 * once) from SHARDS partitions, each record once however many criteria and fields a search
 * has; the records follow every change in the unit's own transaction.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUnit, type CreateInput } from '../../../lib/inventory/create';
import { SHARDS } from '../../../lib/inventory/keys';
import { moveUnit } from '../../../lib/inventory/move';
import { containingUnitIds, matchingUnitIds } from '../../../lib/inventory/repository-search';
import { searchUnits } from '../../../lib/inventory/search';
import { splitUnit } from '../../../lib/inventory/split';
import { inventoryTenant, type InventoryTenant } from '../../functions/inventory/fixture';
import { countingReads } from './reads';

const UNITS = 64;
const input: CreateInput = {
  inventory_sublocation_id: 1, unit_id: 1, quantity: '10', asset_id: null, sublocation_bin: null, generate_asset_id: false, comment: null,
};

let t: InventoryTenant;
let ids: number[];

beforeAll(async () => {
  t = await inventoryTenant();
  ids = [];
  for (let i = 0; i < UNITS; i++) {
    ids.push((await createUnit(t.tenantId, 1, { ...input, lot_code: `L-${i}`, details: i % 8 === 0 ? 'Needle in hay' : 'hay' })).id as number);
  }
});

const search = (query: Record<string, string>) => countingReads(() => searchUnits(t.tenantId, query, { page: 1, per_page: 100 }));

describe('contains', () => {
  it('reads every search record once, spread evenly over the shards, and no unit', async () => {
    const { result, calls } = await search({ field0: 'details', term0: 'needle' });
    expect(result.units.map((u) => u.id)).toEqual(ids.filter((_, i) => i % 8 === 0));
    const queries = calls.filter((c) => c.name === 'QueryCommand');
    expect(queries).toHaveLength(SHARDS);
    expect(new Set(queries.flatMap((q) => q.partitions)).size).toBe(SHARDS);
    expect(queries.reduce((sum, q) => sum + q.items, 0)).toBe(UNITS);
    for (const q of queries) expect(q.items).toBeLessThanOrEqual(UNITS / 8);
    expect(calls.some((c) => c.name === 'ScanCommand')).toBe(false);
  });

  it('reads the same records for a lone term0 (every text field) and for several criteria', async () => {
    const lone = await search({ term0: 'needle' });
    const several = await search({ term0: 'needle', field1: 'lot_code', term1: 'l-1', field2: 'datecode', term2: 'x' });
    for (const { calls } of [lone, several]) {
      // Beside the records, a lone term reads the tenant's place list (its labels match no unit here).
      const queries = calls.filter((c) => c.name === 'QueryCommand' && c.partitions.some((p) => p.includes('#S#')));
      expect(queries).toHaveLength(SHARDS);
      expect(queries.reduce((sum, q) => sum + q.items, 0)).toBe(UNITS);
    }
    expect(lone.result.pagination.total_entries).toBe(UNITS / 8);
    // needle (0, 8, ..., 56) or lot code containing l-1 (1, 10..19)
    const expected = ids.filter((_, i) => i % 8 === 0 || String(i).startsWith('1'));
    expect(several.result.units.map((u) => u.id)).toEqual(expected);
  });

  it('follows a move and a split in the same transaction', async () => {
    const [id] = ids;
    await moveUnit(t.tenantId, 1, id!, { inventory_sublocation_id: 2, sublocation_bin: 'Deep Shelf', comment: null });
    expect(await matchingUnitIds(t.tenantId, 'inventory_location', 'equals', '2')).toContain(id);
    expect(await containingUnitIds(t.tenantId, [{ fields: ['sublocation_bin'], term: 'deep' }])).toEqual([id]);
    const [, created] = await splitUnit(t.tenantId, 1, ids[1]!, { ...input, quantity: '1', inventory_sublocation_id: 2, sublocation_bin: 'Deep End' });
    expect((await containingUnitIds(t.tenantId, [{ fields: ['sublocation_bin'], term: 'deep' }])).sort((a, b) => a - b)).toEqual([id, created!.id]);
  });
});
