/**
 * Renaming a location or sublocation changes the `inventory_location` every unit there shows,
 * on every path that answers a unit (show, list by part, search, create, split, move, update,
 * adjust; JSON and XML), and search matches the current names; log entries keep the name the
 * place had when they were written. Another process's cache (or a stale one) is refreshed by
 * the labels version the rename bumps, read at most once per VERSION_TTL_MS (the staleness bound
 * of a rename made elsewhere); one tenant's names never show on another's units.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { VERSION_TTL_MS } from '../../../lib/inventory/labels';
import { putLocation, putRefCounters } from '../../../lib/inventory/repository';
import { renameLocationItem } from '../../../lib/inventory/repository-reference';
import { inventoryTenant, xmlLines, type CreatedUnit, type InventoryTenant } from './fixture';
import { sendRef } from './reference-fixture';

type Unit = Record<string, unknown> & { id: number; inventory_location: string };
const unitOf = (res: { json: unknown }) => (res.json as { inventory_unit: Unit }).inventory_unit;
const unitsOf = (res: { json: unknown }) => (res.json as { inventory_units: Unit[] }).inventory_units;

async function ok<T extends { statusCode: number; body: string }>(res: Promise<T>, status = 200): Promise<T> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r;
}

const show = async (t: InventoryTenant, u: CreatedUnit, part_id = 1) => unitOf(await ok(t.send('show', { part_id, id: u.id })));
const search = async (t: InventoryTenant, query: string) =>
  unitsOf(await ok(t.send('search', { query: `${query}&per_page=100` }))).map((u) => u.id).sort((a, b) => a - b);
const renameLocation = (t: InventoryTenant, id: number, name: string) =>
  ok(sendRef(t.inventoryToken, 'renameLocation', { params: { location_id: id }, body: { inventory_location: { name } } }));
const renameSublocation = (t: InventoryTenant, locationId: number, id: number, name: string) =>
  ok(sendRef(t.inventoryToken, 'renameSublocation', { params: { location_id: locationId, id }, body: { inventory_sublocation: { name } } }));

describe('after renaming a location and a sublocation', () => {
  let t: InventoryTenant;
  let other: InventoryTenant;
  let rack: CreatedUnit; // WH - Rack 1 (sublocation 1)
  let bay: CreatedUnit; // Annex - Bay 7 (sublocation 2)
  let otherRack: CreatedUnit;

  beforeAll(async () => {
    [t, other] = await Promise.all([inventoryTenant(), inventoryTenant()]);
    rack = await t.createUnit({ quantity: 10, lot_code: 'R' });
    bay = await t.createUnit({ quantity: 10, inventory_sublocation_id: 2 }, 2);
    otherRack = await other.createUnit({ quantity: 3 });
    // Every cache of this process holds the old names before the renames.
    expect((await show(t, rack)).inventory_location).toBe('WH - Rack 1');
    await renameLocation(t, 1, 'Warehouse');
    await renameSublocation(t, 2, 2, 'Bay Eight');
  });

  it('show answers the new labels, in JSON and XML', async () => {
    expect((await show(t, rack)).inventory_location).toBe('Warehouse - Rack 1');
    expect((await show(t, bay, 2)).inventory_location).toBe('Annex - Bay Eight');
    const xml = await ok(t.send('show', { part_id: 1, id: rack.id, suffix: '.xml' }));
    expect(xmlLines(xml.body)).toContain('<inventory_location>Warehouse - Rack 1</inventory_location>');
  });

  it('the part list and a search without criteria answer the new labels', async () => {
    const listed = unitsOf(await ok(t.send('listByPart', { part_id: 1 })));
    expect(listed.find((u) => u.id === rack.id)?.inventory_location).toBe('Warehouse - Rack 1');
    const all = unitsOf(await ok(t.send('search', { query: 'per_page=100' })));
    expect(Object.fromEntries(all.map((u) => [u.id, u.inventory_location]))).toMatchObject({
      [rack.id]: 'Warehouse - Rack 1',
      [bay.id]: 'Annex - Bay Eight',
    });
    const xml = await ok(t.send('listByPart', { part_id: 2, suffix: '.xml' }));
    expect(xmlLines(xml.body)).toContain('<inventory_location>Annex - Bay Eight</inventory_location>');
  });

  it('search on inventory_location matches the current names, with every comparison, and no longer the old ones', async () => {
    expect(await search(t, 'field0=inventory_location&comparison0=equals&term0=warehouse%20-%20rack%201')).toEqual([rack.id]);
    expect(await search(t, 'field0=inventory_location&comparison0=starts_with&term0=WAREHOUSE')).toEqual([rack.id]);
    expect(await search(t, 'field0=inventory_location&term0=bay%20eight')).toEqual([bay.id]);
    expect(await search(t, 'term0=bay%20eight')).toEqual([bay.id]);
    expect(await search(t, 'field0=inventory_location&term0=wh%20-')).toEqual([]);
    expect(await search(t, 'field0=inventory_location&comparison0=equals&term0=annex%20-%20bay%207')).toEqual([]);
    // ORed with another field, and the page's labels are current too.
    const res = await ok(t.send('search', { query: 'field0=inventory_location&term0=eight&field1=lot_code&comparison1=equals&term1=r', suffix: '.xml' }));
    expect(xmlLines(res.body)).toEqual(expect.arrayContaining([
      '<inventory_location>Warehouse - Rack 1</inventory_location>',
      '<inventory_location>Annex - Bay Eight</inventory_location>',
    ]));
  });

  it('split, move, update and adjust answer the new labels; the log keeps the old label and records the new one', async () => {
    const unit = await t.createUnit({ quantity: 8 });
    await renameSublocation(t, 1, 1, 'Rack Uno');
    const split = unitsOf(await ok(t.send('split', { part_id: 1, id: unit.id, body: { inventory_unit: { inventory_sublocation_id: 2, quantity: 3 } } })));
    expect(split.map((u) => u.inventory_location)).toEqual(['Warehouse - Rack Uno', 'Annex - Bay Eight']);
    const moved = unitOf(await ok(t.send('move', { part_id: 1, id: split[1]!.id, body: { inventory_unit: { inventory_sublocation_id: 1 } } })));
    expect(moved.inventory_location).toBe('Warehouse - Rack Uno');
    const updated = unitOf(await ok(t.send('update', { part_id: 1, id: rack.id, body: { inventory_unit: { details: 'counted' } } })));
    expect(updated.inventory_location).toBe('Warehouse - Rack Uno');
    const adjusted = await ok(t.send('adjust', { part_id: 1, id: rack.id, suffix: '.xml', body: { inventory_unit: { quantity: '+1' } } }));
    expect(xmlLines(adjusted.body)).toContain('<inventory_location>Warehouse - Rack Uno</inventory_location>');
    const log = (await ok(t.send('records', { part_id: 1, id: rack.id }))).json as { inventory_records: { record_type: string; inventory_location: string }[] };
    expect(log.inventory_records.map((r) => [r.record_type, r.inventory_location])).toEqual([
      ['create', 'WH - Rack 1'],
      ['adjust', 'Warehouse - Rack Uno'],
    ]);
  });

  it('create answers, stores and logs the current label', async () => {
    const created = await t.createUnit({ quantity: 1, inventory_sublocation_id: 2 });
    expect(created.inventory_location).toBe('Annex - Bay Eight');
    const log = (await ok(t.send('records', { part_id: 1, id: created.id }))).json as { inventory_records: { inventory_location: string }[] };
    expect(log.inventory_records.map((r) => r.inventory_location)).toEqual(['Annex - Bay Eight']);
  });

  it("another tenant's units keep their own names, and search there sees only its own", async () => {
    expect((await show(other, otherRack)).inventory_location).toBe('WH - Rack 1');
    expect(await search(other, 'field0=inventory_location&term0=warehouse')).toEqual([]);
    expect(await search(other, 'field0=inventory_location&comparison0=equals&term0=wh%20-%20rack%201')).toEqual([otherRack.id]);
    expect(await search(t, 'field0=inventory_location&comparison0=equals&term0=wh%20-%20rack%201')).toEqual([]);
  });
});

describe('a cache filled before a rename made elsewhere', () => {
  // The clock is this file's: only Date is faked (DynamoDB Local and the SDK run as usual).
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const versionTtlPasses = () => vi.setSystemTime(Date.now() + VERSION_TTL_MS + 1);

  it('keeps the names it holds while the labels version stands, and reads them again once a rename bumps it', async () => {
    const t = await inventoryTenant();
    const unit = await t.createUnit({ quantity: 2 });
    expect((await show(t, unit)).inventory_location).toBe('WH - Rack 1');
    expect(await search(t, 'field0=inventory_location&term0=rack')).toEqual([unit.id]);
    // A name written without a rename (no version bump): this process's cache still answers the
    // names it holds, also after the version was read again, which shows the check against the
    // version is what refreshes them.
    await putLocation(t.tenantId, { id: 1, name: 'Quiet' }, 1);
    versionTtlPasses();
    expect((await show(t, unit)).inventory_location).toBe('WH - Rack 1');
    // A rename as another Lambda makes it: the repository's transaction (the version bump), without
    // this process's forgetLabels. Within the staleness bound the version read before answers...
    await renameLocationItem(t.tenantId, { id: 1, name: 'Quiet' }, 'Depot');
    vi.setSystemTime(Date.now() + VERSION_TTL_MS - 1);
    expect((await show(t, unit)).inventory_location).toBe('WH - Rack 1');
    // ...and once it has passed, every path shows the new name.
    versionTtlPasses();
    expect((await show(t, unit)).inventory_location).toBe('Depot - Rack 1');
    expect(unitsOf(await ok(t.send('listByPart', { part_id: 1 })))[0]!.inventory_location).toBe('Depot - Rack 1');
    expect(await search(t, 'field0=inventory_location&comparison0=starts_with&term0=depot')).toEqual([unit.id]);
    expect(await search(t, 'field0=inventory_location&term0=wh')).toEqual([]);
  });

  it('search keeps a settled place list, but not one read just after a rename (the list is an eventually consistent index)', async () => {
    const t = await inventoryTenant();
    const unit = await t.createUnit({ quantity: 2 });
    // The last rename a minute ago: the list read now is kept.
    await putRefCounters(t.tenantId, { part: 2, uom: 2, location: 2, locations: 2, sublocation: 2, sublocations: 2, labels: 1, labels_at: Date.now() - 60_000 });
    versionTtlPasses(); // the version create read has lapsed: the counters above are read
    expect(await search(t, 'field0=inventory_location&term0=wh')).toEqual([unit.id]);
    await putLocation(t.tenantId, { id: 1, name: 'Quiet' }, 1); // no version bump: the kept list still says WH
    versionTtlPasses();
    expect(await search(t, 'field0=inventory_location&term0=quiet')).toEqual([]);
    expect(await search(t, 'field0=inventory_location&term0=wh')).toEqual([unit.id]);
    // A rename just now: the list is read on every search until it has settled.
    await renameLocationItem(t.tenantId, { id: 1, name: 'Quiet' }, 'Depot');
    versionTtlPasses();
    expect(await search(t, 'field0=inventory_location&term0=depot')).toEqual([unit.id]);
    await putLocation(t.tenantId, { id: 1, name: 'Later' }, 1);
    expect(await search(t, 'field0=inventory_location&term0=later')).toEqual([unit.id]);
  });

  it('search sees a sublocation created after its place list was cached', async () => {
    const t = await inventoryTenant();
    expect(await search(t, 'field0=inventory_location&term0=cellar')).toEqual([]);
    const loc = (await ok(sendRef(t.inventoryToken, 'createLocation', { body: { inventory_location: { name: 'Cellar' } } }), 201)).json as {
      inventory_location: { id: number };
    };
    const sub = (await ok(sendRef(t.inventoryToken, 'createSublocation', { params: { location_id: loc.inventory_location.id }, body: { inventory_sublocation: { name: 'Vault' } } }), 201))
      .json as { inventory_sublocation: { id: number } };
    const unit = await t.createUnit({ quantity: 1, inventory_sublocation_id: sub.inventory_sublocation.id });
    expect(unit.inventory_location).toBe('Cellar - Vault');
    expect(await search(t, 'field0=inventory_location&term0=cellar')).toEqual([unit.id]);
  });
});
