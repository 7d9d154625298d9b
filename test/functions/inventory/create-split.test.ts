/** create and split: required fields, asset ids (generated, unique), the five split errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { inventoryTenant, xmlLines, type InventoryTenant } from './fixture';

let t: InventoryTenant;
beforeAll(async () => {
  t = await inventoryTenant();
});

type Unit = Record<string, unknown> & { id: number };
const errorsOf = (res: { json: unknown }) => (res.json as { errors: string[] }).errors;
const unitsOf = (res: { json: unknown }) => (res.json as { inventory_units: Unit[] }).inventory_units;
const create = (inventory_unit: Record<string, unknown>, part_id = 1) =>
  t.send('create', { part_id, body: { inventory_unit } });
const required = { inventory_sublocation_id: 1, unit_id: 1, quantity: 1 };

describe('create', () => {
  it('answers 201 with the unit, copying names from the sublocation and unit of measure', async () => {
    const res = await create({ ...required, unit_id: 2, quantity: '2.5', cost_per_unit: '0.125', serial_number: 'SN', details: 'new', purchase_order_number: 'PO' });
    expect(res.statusCode).toBe(201);
    expect(res.json).toMatchObject({
      inventory_unit: {
        quantity: 2.5, unit: 'box', unit_id: 2, cost_per_unit: '0.125', inventory_location: 'WH - Rack 1', part_id: 1,
        serial_number: 'SN', details: 'new', purchase_order_number: 'PO', asset_id: null, sublocation_bin: null,
      },
    });
  });

  it('gives increasing ids', async () => {
    const a = await t.createUnit({});
    const b = await t.createUnit({});
    expect(b.id).toBeGreaterThan(a.id);
  });

  it('reads XML and answers XML on the .xml route', async () => {
    const res = await t.send('create', {
      part_id: 2,
      suffix: '.xml',
      headers: { 'Content-Type': 'application/xml' },
      body: '<inventory_unit><inventory_sublocation_id>2</inventory_sublocation_id><unit_id>1</unit_id><quantity>4</quantity></inventory_unit>',
    });
    expect(res.statusCode).toBe(201);
    expect(xmlLines(res.body)).toEqual(expect.arrayContaining([
      '<quantity>4</quantity>', '<inventory_location>Annex - Bay 7</inventory_location>', '<part_id>2</part_id>',
    ]));
  });

  it('requires an existing sublocation and unit of measure and a positive quantity', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ unit_id: 1, quantity: 1 }, 'inventory_sublocation_id is required'],
      [{ ...required, inventory_sublocation_id: 99 }, 'inventory_sublocation_id must be an existing inventory sublocation'],
      [{ ...required, unit_id: 99 }, 'unit_id must be an existing unit of measure'],
      [{ ...required, quantity: 0 }, 'quantity must be greater than 0'],
      [{ inventory_sublocation_id: 1, unit_id: 1 }, 'quantity is required'],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      expect(res.statusCode).toBe(422);
      expect(errorsOf(res)).toEqual([message]);
    }
  });

  it('is 404 for an unknown part', async () => {
    expect((await create(required, 404)).statusCode).toBe(404);
  });

  it('generates the next free asset id, skipping ids taken by hand', async () => {
    const fresh = await inventoryTenant();
    const first = await fresh.createUnit({ generate_asset_id: 'true' });
    expect(first.asset_id).toBe('A0000000');
    await fresh.createUnit({ asset_id: 'A0000002' });
    expect((await fresh.createUnit({ generate_asset_id: 'true' })).asset_id).toBe('A0000001');
    expect((await fresh.createUnit({ generate_asset_id: 'true' })).asset_id).toBe('A0000003');
    expect((await fresh.createUnit({ generate_asset_id: 'false' })).asset_id).toBeNull();
  });

  it('refuses a duplicate asset id and writes nothing', async () => {
    await t.createUnit({ asset_id: 'DUP-1' });
    const before = await t.send('search', { query: 'field0=asset_id&comparison0=equals&term0=dup-1' });
    const res = await create({ ...required, asset_id: 'DUP-1', lot_code: 'NEVER-STORED' });
    expect(res.statusCode).toBe(422);
    expect(errorsOf(res)).toEqual(['Asset ID must be unique.']);
    const after = await t.send('search', { query: 'field0=asset_id&comparison0=equals&term0=dup-1' });
    expect(unitsOf(after)).toHaveLength(unitsOf(before).length);
    expect(unitsOf(await t.send('search', { query: 'field0=lot_code&term0=never-stored' }))).toEqual([]);
  });
});

describe('split', () => {
  const split = (id: number, inventory_unit: Record<string, unknown>) =>
    t.send('split', { part_id: 1, id, body: { inventory_unit } });

  it('moves the quantity into a new unit that copies part, unit, cost, lot and datecode', async () => {
    const unit = await t.createUnit({
      quantity: '10.5', unit_id: 2, cost_per_unit: 3, lot_code: 'LOT-S', datecode: 'DC-S', serial_number: 'SER', details: 'keep',
      purchase_order_number: 'PO-S', sublocation_bin: 'orig',
    });
    const res = await split(unit.id, { quantity: '0.5', inventory_sublocation_id: 2, sublocation_bin: 'new bin', inventory_record: { comment: 'half' } });
    expect(res.statusCode).toBe(200);
    const [original, created] = unitsOf(res);
    expect(original).toMatchObject({ id: unit.id, quantity: 10, serial_number: 'SER', details: 'keep', sublocation_bin: 'orig' });
    expect(created).toMatchObject({
      quantity: 0.5, part_id: 1, unit_id: 2, unit: 'box', cost_per_unit: '3.0', lot_code: 'LOT-S', datecode: 'DC-S',
      inventory_sublocation_id: 2, inventory_location: 'Annex - Bay 7', sublocation_bin: 'new bin',
      serial_number: null, details: null, purchase_order_number: null, asset_id: null,
    });
    expect(created!.id).toBeGreaterThan(unit.id);
    for (const [id, change, after] of [[unit.id, -0.5, 10], [created!.id, 0.5, 0.5]] as const) {
      const log = (await t.send('records', { part_id: 1, id })).json as { inventory_records: unknown[] };
      expect(log.inventory_records.at(-1)).toMatchObject({ record_type: 'split', quantity_change: change, quantity_after: after, comment: 'half' });
    }
  });

  it('answers XML on the .xml route', async () => {
    const unit = await t.createUnit({ quantity: 3 });
    const res = await t.send('split', { part_id: 1, id: unit.id, suffix: '.xml', body: { quantity: 1, inventory_sublocation_id: 1 } });
    const lines = xmlLines(res.body);
    expect(lines[0]).toBe('<inventory_units>');
    expect(lines.filter((l) => l === '<inventory_unit>')).toHaveLength(2);
    expect(lines.filter((l) => /^<quantity>/.test(l))).toEqual(['<quantity>2</quantity>', '<quantity>1</quantity>']);
  });

  it.each([
    ['zero', { quantity: 0 }, 'Quantity must be a positive number.'],
    ['negative', { quantity: -2 }, 'Quantity must be a positive number.'],
    ['not a number', { quantity: 'lots' }, 'Quantity must be a positive number.'],
    ['missing', {}, 'Quantity must be a positive number.'],
    ['more than available', { quantity: '10.01' }, "Quantity can't be greater than the quantity available."],
    ['all of it', { quantity: 10 }, 'Quantity must be less than the quantity available.'],
  ])('refuses a quantity that is %s, changing nothing', async (_name, body, message) => {
    const unit = await t.createUnit({ quantity: 10 });
    const res = await split(unit.id, { inventory_sublocation_id: 1, ...body });
    expect(res.statusCode).toBe(422);
    expect(errorsOf(res)).toEqual([message]);
    const show = await t.send('show', { part_id: 1, id: unit.id });
    expect(show.json).toMatchObject({ inventory_unit: { quantity: 10 } });
  });

  it('needs a new asset id when the original has one', async () => {
    const unit = await t.createUnit({ quantity: 5, generate_asset_id: true });
    const res = await split(unit.id, { quantity: 1, inventory_sublocation_id: 1 });
    expect(errorsOf(res)).toEqual(['A new Asset ID is required.']);
    const generated = await split(unit.id, { quantity: 1, inventory_sublocation_id: 1, generate_asset_id: 'true' });
    expect(generated.statusCode).toBe(200);
    const [original, created] = unitsOf(generated);
    expect(created!.asset_id).toMatch(/^A\d{7}$/);
    expect(created!.asset_id).not.toBe(original!.asset_id);
  });

  it('refuses an asset id already in use', async () => {
    const unit = await t.createUnit({ quantity: 5, asset_id: 'SPLIT-A' });
    const res = await split(unit.id, { quantity: 1, inventory_sublocation_id: 1, asset_id: 'SPLIT-A' });
    expect(errorsOf(res)).toEqual(['Asset ID must be unique.']);
    expect((await t.send('show', { part_id: 1, id: unit.id })).json).toMatchObject({ inventory_unit: { quantity: 5 } });
  });

  it('requires an existing sublocation', async () => {
    const unit = await t.createUnit({ quantity: 5 });
    const res = await split(unit.id, { quantity: 1, inventory_sublocation_id: 42 });
    expect(errorsOf(res)).toEqual(['inventory_sublocation_id must be an existing inventory sublocation']);
  });
});
