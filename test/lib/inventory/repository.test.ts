/**
 * The database enforces the invariants, not the code that reads first: stale writes,
 * asset id claims and id counters, index items that follow every change, and searches
 * that read index partitions only (never a Scan), about as many items as they match.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../lib/db/client';
import { ValidationError } from '../../../lib/errors';
import { createUnit, type CreateInput } from '../../../lib/inventory/create';
import {
  allocateIds,
  getUnit,
  listRecords,
  putLocation,
  putPart,
  putSublocation,
  putUnitOfMeasure,
} from '../../../lib/inventory/repository';
import { matchingUnitIds } from '../../../lib/inventory/repository-search';
import { commitUnitWrites, WriteConflict } from '../../../lib/inventory/repository-writes';
import { searchUnits } from '../../../lib/inventory/search';
import { updateUnit } from '../../../lib/inventory/update';
import { createTenant } from '../../helpers/tenants';

let tenantId: string;
const input: CreateInput = {
  inventory_sublocation_id: 1, unit_id: 1, quantity: '5', asset_id: null, sublocation_bin: null,
  generate_asset_id: false, comment: null,
};
const newUnit = async (fields: Partial<CreateInput> = {}) =>
  (await createUnit(tenantId, 1, { ...input, ...fields })).id as number;

beforeAll(async () => {
  tenantId = (await createTenant('inv-repo')).tenantId;
  const location = { id: 1, name: 'Loc' };
  await Promise.all([
    putUnitOfMeasure(tenantId, { id: 1, name: 'each' }),
    putLocation(tenantId, location),
    putSublocation(tenantId, { id: 1, name: 'Sub' }, location),
    putPart(tenantId, { id: 1, part_number: 'P', description: 'Part' }),
  ]);
});

describe('unit writes', () => {
  it('refuse a change based on a stale version, writing nothing', async () => {
    const id = await newUnit();
    const before = (await getUnit(tenantId, id))!;
    await commitUnitWrites(tenantId, [{ before, after: { ...before, quantity: '6', version: before.version + 1 } }]);
    const stale = commitUnitWrites(tenantId, [
      {
        before,
        after: { ...before, quantity: '1', version: before.version + 1 },
        records: [{ id: 999_999, unit_id: id, unit_version: before.version + 5, record_type: 'adjust', quantity_change: '-4', quantity_after: '1', comment: null, inventory_location: 'x', created_at: before.created_at }],
      },
    ]);
    await expect(stale).rejects.toBeInstanceOf(WriteConflict);
    expect((await getUnit(tenantId, id))!.quantity).toBe('6');
    expect(await listRecords(tenantId, id)).toHaveLength(1); // only the create entry
  });

  it('let exactly one of many concurrent creates claim an asset id', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => newUnit({ asset_id: 'RACE-1' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toEqual(new ValidationError('Asset ID must be unique.'));
    }
    expect(await matchingUnitIds(tenantId, 'asset_id', 'equals', 'race-1')).toHaveLength(1);
  });

  it('hand out distinct, increasing ids under concurrency', async () => {
    const batches = await Promise.all(Array.from({ length: 20 }, () => allocateIds(tenantId, { record: 2 })));
    const all = batches.flatMap((b) => b.record);
    expect(new Set(all).size).toBe(40);
    for (const b of batches) expect(b.record[1]).toBe(b.record[0]! + 1);
  });
});

describe('search index items', () => {
  it('follow updates: the old value no longer matches, the new one does', async () => {
    const id = await newUnit({ lot_code: 'BEFORE-LOT' });
    await updateUnit(tenantId, 1, id, { lot_code: 'AFTER-LOT' });
    expect(await matchingUnitIds(tenantId, 'lot_code', 'contains', 'before-lot')).toEqual([]);
    expect(await matchingUnitIds(tenantId, 'lot_code', 'equals', 'after-lot')).toEqual([id]);
  });

  it('work for values longer than the sort key budget', async () => {
    const long = '𝄞'.repeat(250); // 1000 UTF-8 bytes: the sort key holds only a prefix
    const id = await newUnit({ details: `${long}a` });
    await newUnit({ details: `${long}b` });
    expect(await matchingUnitIds(tenantId, 'details', 'equals', `${long}a`)).toEqual([id]);
    expect(await matchingUnitIds(tenantId, 'details', 'starts_with', `${long}a`)).toEqual([id]);
    expect(await matchingUnitIds(tenantId, 'details', 'starts_with', long)).toHaveLength(2);
  });
});

describe('search reads', () => {
  it('never scan, and read about as many items as an exact match finds', async () => {
    for (let i = 0; i < 30; i++) await newUnit({ serial_number: `SER-${String(i).padStart(3, '0')}` });
    const client = db();
    const send = client.send.bind(client);
    const calls: { name: string; scanned?: number }[] = [];
    client.send = (async (command: { constructor: { name: string } }) => {
      const out = (await send(command as never)) as { ScannedCount?: number };
      calls.push({ name: command.constructor.name, scanned: out.ScannedCount });
      return out;
    }) as typeof client.send;
    try {
      const { units, pagination } = await searchUnits(
        tenantId,
        { field0: 'serial_number', comparison0: 'equals', term0: 'ser-007' },
        { page: 1, per_page: 25 },
      );
      expect(units.map((u) => u.serial_number)).toEqual(['SER-007']);
      expect(pagination.total_entries).toBe(1);
    } finally {
      client.send = send;
    }
    expect(calls.some((c) => c.name === 'ScanCommand')).toBe(false);
    const scanned = calls.reduce((sum, c) => sum + (c.scanned ?? 0), 0);
    expect(scanned).toBeLessThanOrEqual(10); // 1 match; 30 units carry a serial number
  });
});
