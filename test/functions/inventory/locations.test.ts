/** Locations with sublocations and units of measure over HTTP: create, list, rename; validation, tenancy, XML. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { xmlLines } from './fixture';
import { errorsOf, pagination, sendRef } from './reference-fixture';

let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant('loc-a'), createTenant('loc-b')]);
});

type Named = { id: number; name: string };
const body = <T>(res: { json: unknown }, key: string) => (res.json as Record<string, T>)[key]!;
async function location(t: TestTenant, name: string): Promise<Named> {
  const res = await sendRef(t.inventoryToken, 'createLocation', { body: { inventory_location: { name } } });
  expect(res.statusCode, res.body).toBe(201);
  return body<Named>(res, 'inventory_location');
}
async function sublocation(t: TestTenant, locationId: number, name: string): Promise<Named> {
  const res = await sendRef(t.inventoryToken, 'createSublocation', { params: { location_id: locationId }, body: { inventory_sublocation: { name } } });
  expect(res.statusCode, res.body).toBe(201);
  return body<Named>(res, 'inventory_sublocation');
}

describe('inventory locations and sublocations', () => {
  it('creates a location (201, no sublocations yet) and sublocations under it', async () => {
    const res = await sendRef(a.inventoryToken, 'createLocation', { body: { inventory_location: { name: 'HQ' } } });
    expect(res.statusCode).toBe(201);
    const hq = body<Named>(res, 'inventory_location');
    expect(res.json).toEqual({ inventory_location: { id: hq.id, name: 'HQ', inventory_sublocations: [] } });
    const sub = await sendRef(a.inventoryToken, 'createSublocation', { params: { location_id: hq.id }, body: { inventory_sublocation: { name: 'Bin 1' } } });
    expect(sub.statusCode).toBe(201);
    expect(sub.json).toEqual({ inventory_sublocation: { id: expect.any(Number), name: 'Bin 1', inventory_location_id: hq.id } });
  });

  it('lists locations in creation order, each with its sublocations, paged with X-Pagination (JSON and XML)', async () => {
    const t = await createTenant('loc-list');
    const first = await location(t, 'First');
    const second = await location(t, 'Second');
    const third = await location(t, 'Third');
    const s1 = await sublocation(t, first.id, 'A');
    const s2 = await sublocation(t, second.id, 'B');
    const s3 = await sublocation(t, first.id, 'C');
    const res = await sendRef(t.inventoryToken, 'listLocations', { query: 'per_page=2' });
    expect(res.json).toEqual({
      inventory_locations: [
        { id: first.id, name: 'First', inventory_sublocations: [{ id: s1.id, name: 'A' }, { id: s3.id, name: 'C' }] },
        { id: second.id, name: 'Second', inventory_sublocations: [{ id: s2.id, name: 'B' }] },
      ],
    });
    expect(pagination(res)).toMatchObject({ total_entries: 3, total_pages: 2, current_page: 1, next_page: 2 });
    const page2 = await sendRef(t.inventoryToken, 'listLocations', { query: 'per_page=2&page=2' });
    expect(page2.json).toEqual({ inventory_locations: [{ id: third.id, name: 'Third', inventory_sublocations: [] }] });
    const xml = await sendRef(t.inventoryToken, 'listLocations', { suffix: '.xml', query: 'per_page=1' });
    expect(xmlLines(xml.body)).toEqual([
      '<inventory_locations>', '<inventory_location>', `<id>${first.id}</id>`, '<name>First</name>', '<inventory_sublocations>',
      '<inventory_sublocation>', `<id>${s1.id}</id>`, '<name>A</name>', '</inventory_sublocation>',
      '<inventory_sublocation>', `<id>${s3.id}</id>`, '<name>C</name>', '</inventory_sublocation>',
      '</inventory_sublocations>', '</inventory_location>', '</inventory_locations>',
    ]);
    // Another tenant sees only its own.
    expect((await sendRef(b.inventoryToken, 'listLocations')).json).toEqual({ inventory_locations: [] });
  });

  it('renames a location and a sublocation (JSON and XML bodies)', async () => {
    const loc = await location(a, 'Old');
    const sub = await sublocation(a, loc.id, 'Old bin');
    const res = await sendRef(a.inventoryToken, 'renameLocation', { params: { location_id: loc.id }, body: { inventory_location: { name: 'New' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ inventory_location: { id: loc.id, name: 'New' } });
    const xml = await sendRef(a.inventoryToken, 'renameSublocation', {
      params: { location_id: loc.id, id: `${sub.id}.xml` },
      headers: { 'Content-Type': 'application/xml' },
      body: '<inventory_sublocation><name>New bin</name></inventory_sublocation>',
    });
    expect(xml.statusCode).toBe(200);
    expect(xmlLines(xml.body)).toEqual(['<inventory_sublocation>', `<id>${sub.id}</id>`, '<name>New bin</name>', `<inventory_location_id>${loc.id}</inventory_location_id>`, '</inventory_sublocation>']);
  });

  it('validation: a name is required and not blank; nothing is created', async () => {
    const t = await createTenant('loc-invalid');
    for (const [payload, message] of [
      [{}, 'name is required'],
      [{ name: '  ' }, "name can't be blank"],
      [{ name: 'x'.repeat(256) }, 'name must be at most 255 characters'],
      [{ name: ['a'] }, 'name must be a string'],
    ] as const) {
      const res = await sendRef(t.inventoryToken, 'createLocation', { body: { inventory_location: payload } });
      expect(res.statusCode).toBe(422);
      expect(errorsOf(res)).toEqual([message]);
    }
    expect(pagination(await sendRef(t.inventoryToken, 'listLocations')).total_entries).toBe(0);
  });

  it("another tenant's location or sublocation, or a sublocation under the wrong location: 404, unchanged", async () => {
    const loc = await location(a, 'Private');
    const other = await location(a, 'Elsewhere');
    const sub = await sublocation(a, loc.id, 'Secret');
    const cases = [
      await sendRef(b.inventoryToken, 'renameLocation', { params: { location_id: loc.id }, body: { inventory_location: { name: 'X' } } }),
      await sendRef(b.inventoryToken, 'createSublocation', { params: { location_id: loc.id }, body: { inventory_sublocation: { name: 'X' } } }),
      await sendRef(b.inventoryToken, 'renameSublocation', { params: { location_id: loc.id, id: sub.id }, body: { inventory_sublocation: { name: 'X' } } }),
      await sendRef(a.inventoryToken, 'renameSublocation', { params: { location_id: other.id, id: sub.id }, body: { inventory_sublocation: { name: 'X' } } }),
      await sendRef(a.inventoryToken, 'renameLocation', { params: { location_id: 999999 }, body: { inventory_location: { name: 'X' } } }),
    ];
    for (const res of cases) {
      expect(res.statusCode).toBe(404);
      expect(res.json).toEqual({ errors: ['Not found'] });
    }
    const listed = (await sendRef(a.inventoryToken, 'listLocations', { query: 'per_page=100' })).json as { inventory_locations: (Named & { inventory_sublocations: Named[] })[] };
    expect(listed.inventory_locations.find((l) => l.id === loc.id)).toEqual({ id: loc.id, name: 'Private', inventory_sublocations: [{ id: sub.id, name: 'Secret' }] });
  });
});

describe('units of measure', () => {
  it('creates (201) and lists them in creation order (JSON and XML); validation; tenancy', async () => {
    const t = await createTenant('uom');
    const res = await sendRef(t.inventoryToken, 'createUom', { body: { unit: { name: 'reel' } } });
    expect(res.statusCode).toBe(201);
    const reel = body<Named>(res, 'unit');
    expect(res.json).toEqual({ unit: { id: reel.id, name: 'reel' } });
    const xml = await sendRef(t.inventoryToken, 'createUom', { suffix: '.xml', headers: { 'Content-Type': 'application/xml' }, body: '<unit><name>kg</name></unit>' });
    expect(xml.statusCode).toBe(201);
    expect(xmlLines(xml.body)).toEqual(['<unit>', `<id>${reel.id + 1}</id>`, '<name>kg</name>', '</unit>']);
    const bad = await sendRef(t.inventoryToken, 'createUom', { body: { unit: { name: '' } } });
    expect(bad.statusCode).toBe(422);
    expect(errorsOf(bad)).toEqual(["name can't be blank"]);
    const list = await sendRef(t.inventoryToken, 'listUoms');
    expect(list.json).toEqual({ units: [{ id: reel.id, name: 'reel' }, { id: reel.id + 1, name: 'kg' }] });
    expect(pagination(list).total_entries).toBe(2);
    const listXml = await sendRef(t.inventoryToken, 'listUoms', { suffix: '.xml' });
    expect(xmlLines(listXml.body).slice(0, 4)).toEqual(['<units>', '<unit>', `<id>${reel.id}</id>`, '<name>reel</name>']);
    expect((await sendRef(b.inventoryToken, 'listUoms')).json).toEqual({ units: [] });
  });
});

describe('one name per kind and scope (like part numbers): 422 "Name must be unique."', () => {
  it('refuses a second location, unit of measure or sublocation (of the same location) with a taken name; another location may reuse a sublocation name', async () => {
    const t = await createTenant('loc-names');
    const annex = await location(t, 'Annex');
    const again = await sendRef(t.inventoryToken, 'createLocation', { body: { inventory_location: { name: 'Annex' } } });
    expect([again.statusCode, errorsOf(again)]).toEqual([422, ['Name must be unique.']]);
    expect(await sendRef(t.inventoryToken, 'createUom', { body: { unit: { name: 'reel' } } }).then((r) => r.statusCode)).toBe(201);
    const uom = await sendRef(t.inventoryToken, 'createUom', { body: { unit: { name: 'reel' } } });
    expect([uom.statusCode, errorsOf(uom)]).toEqual([422, ['Name must be unique.']]);
    await sublocation(t, annex.id, 'Bin 35');
    const sub = await sendRef(t.inventoryToken, 'createSublocation', { params: { location_id: annex.id }, body: { inventory_sublocation: { name: 'Bin 35' } } });
    expect([sub.statusCode, errorsOf(sub)]).toEqual([422, ['Name must be unique.']]);
    const other = await location(t, 'Depot');
    expect((await sublocation(t, other.id, 'Bin 35')).name).toBe('Bin 35');
    // Nothing was created by the refusals.
    const list = await sendRef(t.inventoryToken, 'listLocations');
    expect((list.json as { inventory_locations: Named[] }).inventory_locations.map((l) => l.name)).toEqual(['Annex', 'Depot']);
    expect((await sendRef(t.inventoryToken, 'listUoms')).json).toEqual({ units: [{ id: expect.any(Number), name: 'reel' }] });
  });

  it('a rename moves the claim: the old name is free again, a taken one is refused, renaming to the same name succeeds', async () => {
    const t = await createTenant('loc-rename');
    const a1 = await location(t, 'North');
    const a2 = await location(t, 'South');
    const taken = await sendRef(t.inventoryToken, 'renameLocation', { params: { location_id: a2.id }, body: { inventory_location: { name: 'North' } } });
    expect([taken.statusCode, errorsOf(taken)]).toEqual([422, ['Name must be unique.']]);
    const same = await sendRef(t.inventoryToken, 'renameLocation', { params: { location_id: a1.id }, body: { inventory_location: { name: 'North' } } });
    expect(same.statusCode).toBe(200);
    const moved = await sendRef(t.inventoryToken, 'renameLocation', { params: { location_id: a1.id }, body: { inventory_location: { name: 'East' } } });
    expect(moved.json).toEqual({ inventory_location: { id: a1.id, name: 'East' } });
    expect((await location(t, 'North')).name).toBe('North');
    const s1 = await sublocation(t, a2.id, 'Shelf 1');
    await sublocation(t, a2.id, 'Shelf 2');
    const subTaken = await sendRef(t.inventoryToken, 'renameSublocation', { params: { location_id: a2.id, id: s1.id }, body: { inventory_sublocation: { name: 'Shelf 2' } } });
    expect([subTaken.statusCode, errorsOf(subTaken)]).toEqual([422, ['Name must be unique.']]);
    const subMoved = await sendRef(t.inventoryToken, 'renameSublocation', { params: { location_id: a2.id, id: s1.id }, body: { inventory_sublocation: { name: 'Shelf 3' } } });
    expect(subMoved.statusCode).toBe(200);
    expect((await sublocation(t, a2.id, 'Shelf 1')).name).toBe('Shelf 1');
  });

  it('two creates of one name at the same time: one 201, one 422 (a conditional write, not a read)', async () => {
    const t = await createTenant('loc-race');
    const results = await Promise.all(
      [1, 2, 3].map(() => sendRef(t.inventoryToken, 'createLocation', { body: { inventory_location: { name: 'Dock' } } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 422, 422]);
  });
});
