/**
 * show, update, adjust_quantity, move and inventory_records on a fresh tenant: the rules of
 * SPEC 5.2, JSON and XML in and out, and tenant isolation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../helpers/http';
import { createTenant } from '../../helpers/tenants';
import { endpoints, inventoryTenant, send, xmlLines, type EndpointName, type InventoryTenant } from './fixture';

let t: InventoryTenant;
beforeAll(async () => {
  t = await inventoryTenant();
});

type Unit = Record<string, unknown> & { id: number };
const unitOf = (res: { json: unknown }) => (res.json as { inventory_unit: Unit }).inventory_unit;
const errorsOf = (res: { json: unknown }) => (res.json as { errors: string[] }).errors;

describe('show', () => {
  it('answers JSON by default, XML by .xml suffix or Accept, JSON by .json suffix', async () => {
    const unit = await t.createUnit({ quantity: 3, lot_code: 'L-show' });
    const json = await t.send('show', { part_id: 1, id: unit.id });
    expect(json.statusCode).toBe(200);
    expect(unitOf(json)).toEqual(unit);
    const bySuffix = await t.send('show', { part_id: 1, id: unit.id, suffix: '.xml' });
    expect(bySuffix.headers['Content-Type']).toBe('application/xml; charset=utf-8');
    expect(xmlLines(bySuffix.body)).toContain('<lot_code>L-show</lot_code>');
    const byAccept = await t.send('show', { part_id: 1, id: unit.id, headers: { Accept: 'text/xml' } });
    expect(byAccept.body).toBe(bySuffix.body);
    const jsonSuffix = await t.send('show', { part_id: 1, id: unit.id, suffix: '.json', headers: { Accept: 'application/xml' } });
    expect(unitOf(jsonSuffix)).toEqual(unit);
  });

  it('accepts REST API (payload 1.0) events', async () => {
    const unit = await t.createUnit({});
    const { fn, route } = endpoints.show;
    const res = await call(fn, { payload: '1.0', route, path: `/api/v2/${t.inventoryToken}/parts/1/inventory_units/${unit.id}.xml` });
    expect(res.statusCode).toBe(200);
    expect(xmlLines(res.body)).toContain(`<id>${unit.id}</id>`);
  });

  it('is 404 for an unknown unit, a unit of another part, an unknown part and a malformed id', async () => {
    const unit = await t.createUnit({});
    for (const [part_id, id] of [[1, 999999], [2, unit.id], [99, unit.id], [1, 'abc']] as const) {
      const res = await t.send('show', { part_id, id });
      expect(res.statusCode).toBe(404);
      expect(res.json).toEqual({ errors: ['Not found'] });
    }
    const xml = await t.send('show', { part_id: 2, id: unit.id, suffix: '.xml' });
    expect(xmlLines(xml.body)).toEqual(['<errors>', '<error>Not found</error>', '</errors>']);
  });
});

describe('update', () => {
  it('sets cost and the text fields, and ignores other fields', async () => {
    const unit = await t.createUnit({ quantity: 5 });
    const res = await t.send('update', {
      part_id: 1,
      id: unit.id,
      body: {
        inventory_unit: {
          cost_per_unit: '2.50', serial_number: 'S-1', lot_code: 'L-1', datecode: 2024, details: 'd', purchase_order_number: 'PO-1',
          quantity: 999, asset_id: 'A9999999', inventory_sublocation_id: 2,
        },
      },
    });
    expect(res.statusCode).toBe(200);
    expect(unitOf(res)).toMatchObject({
      cost_per_unit: '2.5', serial_number: 'S-1', lot_code: 'L-1', datecode: '2024', details: 'd', purchase_order_number: 'PO-1',
      quantity: 5, asset_id: null, inventory_sublocation_id: 1,
    });
  });

  it('reads XML and answers XML', async () => {
    const unit = await t.createUnit({});
    const res = await t.send('update', {
      part_id: 1,
      id: `${unit.id}.xml`,
      headers: { 'Content-Type': 'application/xml' },
      body: '<inventory_unit><details>Handle with care &amp; love</details><cost_per_unit>0</cost_per_unit></inventory_unit>',
    });
    expect(res.statusCode).toBe(200);
    expect(xmlLines(res.body)).toEqual(expect.arrayContaining([
      '<details>Handle with care &amp; love</details>', '<cost_per_unit>0.0</cost_per_unit>',
    ]));
  });

  it('refuses a negative cost and strings over 255 characters', async () => {
    const unit = await t.createUnit({});
    const negative = await t.send('update', { part_id: 1, id: unit.id, body: { cost_per_unit: -1 } });
    expect(negative.statusCode).toBe(422);
    expect(errorsOf(negative)[0]).toMatch(/^cost_per_unit /);
    const long = await t.send('update', { part_id: 1, id: unit.id, body: { details: 'x'.repeat(256) } });
    expect(long.statusCode).toBe(422);
    expect(errorsOf(long)[0]).toBe('details must be at most 255 characters');
    const ok = await t.send('update', { part_id: 1, id: unit.id, body: { details: 'x'.repeat(255) } });
    expect(ok.statusCode).toBe(200);
  });
});

describe('adjust_quantity', () => {
  const adjust = (id: number, inventory_unit: Record<string, unknown>) =>
    t.send('adjust', { part_id: 1, id, body: { inventory_unit } });

  it('sets the new quantity and logs the change', async () => {
    const unit = await t.createUnit({ quantity: 10 });
    const res = await adjust(unit.id, { quantity: 4, inventory_record: { comment: 'count' } });
    expect(unitOf(res)).toMatchObject({ quantity: 4, quantity_available: 4 });
    const log = await t.send('records', { part_id: 1, id: unit.id });
    expect((log.json as { inventory_records: unknown[] }).inventory_records.at(-1)).toMatchObject({
      record_type: 'adjust', quantity_change: -6, quantity_after: 4, comment: 'count',
    });
  });

  it('treats "+5" and "-5" as relative', async () => {
    const unit = await t.createUnit({ quantity: 10 });
    expect(unitOf(await adjust(unit.id, { quantity: '+5' })).quantity).toBe(15);
    expect(unitOf(await adjust(unit.id, { quantity: '-5' })).quantity).toBe(10);
    const below = await adjust(unit.id, { quantity: '-11' });
    expect(below.statusCode).toBe(422);
    expect(errorsOf(below)).toEqual(['quantity must be greater than or equal to 0']);
  });

  it('keeps decimals exact: 0 + 0.1 + 0.2 is 0.3', async () => {
    const unit = await t.createUnit({ quantity: 1 });
    await adjust(unit.id, { quantity: 0 });
    await adjust(unit.id, { quantity: '+0.1' });
    const res = await adjust(unit.id, { quantity: '+0.2' });
    expect(res.body).toContain('"quantity":0.3,');
    const xml = await t.send('show', { part_id: 1, id: unit.id, suffix: '.xml' });
    expect(xmlLines(xml.body)).toContain('<quantity>0.3</quantity>');
  });

  it('consume may only lower the quantity, and is logged as consume', async () => {
    const unit = await t.createUnit({ quantity: 10 });
    const raise = await adjust(unit.id, { quantity: 11, inventory_record: { adjustment_type: 'consume' } });
    expect(raise.statusCode).toBe(422);
    expect(errorsOf(raise)).toEqual(['quantity must be lower than the current quantity when consuming']);
    const lower = await adjust(unit.id, { quantity: '-3', inventory_record: { adjustment_type: 'consume', comment: 'used' } });
    expect(unitOf(lower).quantity).toBe(7);
    const log = await t.send('records', { part_id: 1, id: unit.id });
    expect((log.json as { inventory_records: unknown[] }).inventory_records.at(-1)).toMatchObject({
      record_type: 'consume', quantity_change: -3, quantity_after: 7, comment: 'used',
    });
  });

  it('requires quantity, refuses non-numbers and unknown adjustment types', async () => {
    const unit = await t.createUnit({});
    expect(errorsOf(await adjust(unit.id, {}))).toEqual(['quantity is required']);
    expect(errorsOf(await adjust(unit.id, { quantity: 'ten' }))[0]).toMatch(/^quantity must be a number/);
    const type = await adjust(unit.id, { quantity: 1, inventory_record: { adjustment_type: 'steal' } });
    expect(errorsOf(type)).toEqual(['inventory_record.adjustment_type must be adjust or consume']);
  });

  it('reads form-urlencoded bodies and answers XML on the .xml route', async () => {
    const unit = await t.createUnit({ quantity: 2 });
    const res = await t.send('adjust', {
      part_id: 1,
      id: unit.id,
      suffix: '.xml',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'inventory_unit[quantity]=%2B8&inventory_unit[inventory_record][comment]=form',
    });
    expect(res.statusCode).toBe(200);
    expect(xmlLines(res.body)).toContain('<quantity>10</quantity>');
  });
});

describe('move', () => {
  it('sets the sublocation and bin, and clears the bin when none is given', async () => {
    const unit = await t.createUnit({ sublocation_bin: 'Old bin' });
    const moved = await t.send('move', {
      part_id: 1, id: unit.id, body: { inventory_sublocation_id: 2, sublocation_bin: 'B7', inventory_record: { comment: 'm' } },
    });
    expect(unitOf(moved)).toMatchObject({ inventory_sublocation_id: 2, inventory_location: 'Annex - Bay 7', sublocation_bin: 'B7' });
    const back = await t.send('move', { part_id: 1, id: unit.id, suffix: '.xml', headers: { 'Content-Type': 'application/xml' },
      body: '<inventory_unit><inventory_sublocation_id>1</inventory_sublocation_id></inventory_unit>' });
    expect(xmlLines(back.body)).toEqual(expect.arrayContaining(['<inventory_location>WH - Rack 1</inventory_location>', '<sublocation_bin/>']));
    const log = (await t.send('records', { part_id: 1, id: unit.id })).json as { inventory_records: unknown[] };
    expect(log.inventory_records.slice(-2)).toMatchObject([
      { record_type: 'move', quantity_change: 0, comment: 'm', inventory_location: 'Annex - Bay 7' },
      { record_type: 'move', comment: null, inventory_location: 'WH - Rack 1' },
    ]);
  });

  it('requires an existing sublocation', async () => {
    const unit = await t.createUnit({});
    const missing = await t.send('move', { part_id: 1, id: unit.id, body: {} });
    expect(missing.statusCode).toBe(422);
    expect(errorsOf(missing)).toEqual(['inventory_sublocation_id is required']);
    const unknown = await t.send('move', { part_id: 1, id: unit.id, body: { inventory_sublocation_id: 77 } });
    expect(errorsOf(unknown)).toEqual(['inventory_sublocation_id must be an existing inventory sublocation']);
  });
});

describe('inventory_records', () => {
  it('lists the log oldest first with the documented fields, in JSON and XML', async () => {
    const unit = await t.createUnit({ quantity: 2, inventory_record: { comment: 'arrived' } });
    await t.send('adjust', { part_id: 1, id: unit.id, body: { quantity: 3 } });
    const res = await t.send('records', { part_id: 1, id: unit.id });
    const records = (res.json as { inventory_records: Record<string, unknown>[] }).inventory_records;
    expect(records.map((r) => Object.keys(r))).toEqual(Array(2).fill(
      ['id', 'record_type', 'quantity_change', 'quantity_after', 'comment', 'inventory_location', 'created_at'],
    ));
    expect(records).toMatchObject([
      { record_type: 'create', quantity_change: 2, quantity_after: 2, comment: 'arrived' },
      { record_type: 'adjust', quantity_change: 1, quantity_after: 3, comment: null },
    ]);
    expect((records[1]!.id as number) > (records[0]!.id as number)).toBe(true);
    const xml = await t.send('records', { part_id: 1, id: unit.id, suffix: '.xml' });
    expect(xmlLines(xml.body).slice(0, 3)).toEqual(['<inventory_records>', '<inventory_record>', `<id>${records[0]!.id}</id>`]);
  });
});

describe('authentication and tenant isolation, every endpoint', () => {
  const bodies: Partial<Record<EndpointName, Record<string, unknown>>> = {
    update: { details: 'x' },
    adjust: { quantity: 1 },
    create: { inventory_sublocation_id: 1, unit_id: 1, quantity: 1 },
    move: { inventory_sublocation_id: 1 },
    split: { inventory_sublocation_id: 1, quantity: 1 },
  };
  const names = Object.keys(endpoints) as EndpointName[];

  it.each(names)('%s answers a wrong token with 401', async (name) => {
    const res = await send(name, { token: 'no-such-token', part_id: 1, id: 1, body: bodies[name] });
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ errors: ['Invalid API token'] });
  });

  it.each(names.filter((n) => n !== 'search'))("%s answers another tenant's ids with 404", async (name) => {
    const unit = await t.createUnit({ quantity: 5, lot_code: 'ISOLATED' });
    const stranger = await createTenant('inv-other');
    const res = await send(name, { token: stranger.inventoryToken, part_id: 1, id: unit.id, body: bodies[name] });
    expect(res.statusCode).toBe(404);
    expect(res.json).toEqual({ errors: ['Not found'] });
    expect(unitOf(await t.send('show', { part_id: 1, id: unit.id })).quantity).toBe(5);
  });

  it("search never finds another tenant's units", async () => {
    await t.createUnit({ lot_code: 'ONLY-MINE' });
    const stranger = await createTenant('inv-other');
    const res = await send('search', { token: stranger.inventoryToken, query: 'field0=lot_code&term0=only-mine' });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ inventory_units: [] });
  });
});
