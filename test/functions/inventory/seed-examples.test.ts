/**
 * The curl examples of seeds/aligni-inventory-units.txt, sent verbatim (same headers, XML
 * bodies, token and ids) against the demo data. The only inventory test file that touches
 * the demo tenants; the examples run in the seed's story order, each building on the last.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../scripts/seed';
import { send, xmlLines, type EndpointName } from './fixture';
import { createInventoryUnitXml } from '../../helpers/seed-bodies';

const token = 'oid3vLgynoy_Yl1gZkrgkLEq3J';
const headers = { Accept: 'application/xml', 'Content-Type': 'application/xml' };
const curl = (name: EndpointName, id: number | undefined, body?: string) =>
  send(name, { token, part_id: 728, id, headers, body });

/** The element names of a unit, in the seed's order, then the three ids SPEC 5.2 adds. */
const unitElements = [
  'id', 'quantity', 'quantity_available', 'unit', 'cost_per_unit', 'currency', 'inventory_location',
  'sublocation_bin', 'asset_id', 'serial_number', 'lot_code', 'datecode', 'details', 'purchase_order_number',
  'purchase_quantity', 'purchase_price', 'vendor', 'created_at', 'updated_at',
  'part_id', 'inventory_sublocation_id', 'unit_id',
];

/** `{name: text}` of a flat XML element list; null for `<x/>`, '' for `<x></x>`. */
function fields(lines: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const line of lines) {
    const empty = /^<(\w+)\/>$/.exec(line);
    const full = /^<(\w+)>(.*)<\/\1>$/.exec(line);
    if (empty) out[empty[1]!] = null;
    else if (full) out[full[1]!] = full[2]!;
  }
  return out;
}
const elementNames = (lines: string[]) => lines.map((l) => /^<\/?(\w+)/.exec(l)![1]);

beforeAll(async () => {
  await seedDemo(); // idempotent: the global setup may already have loaded it
});

describe('Aligni seed examples (demo tenant)', () => {
  it('GET show 52 answers the seed response, element for element', async () => {
    const res = await curl('show', 52);
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/xml; charset=utf-8');
    expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<inventory_unit>\n')).toBe(true);
    expect(xmlLines(res.body)).toEqual([
      '<inventory_unit>',
      '<id>52</id>',
      '<quantity>3600</quantity>',
      '<quantity_available>3600</quantity_available>',
      '<unit>each</unit>',
      '<cost_per_unit>0.009</cost_per_unit>',
      '<currency>USD</currency>',
      '<inventory_location>CDHQ - General Storage</inventory_location>',
      '<sublocation_bin/>',
      '<asset_id>A0000000</asset_id>',
      '<serial_number></serial_number>',
      '<lot_code>XKG982MAL</lot_code>',
      '<datecode>201019</datecode>',
      '<details/>',
      '<purchase_order_number/>',
      '<purchase_quantity/>',
      '<purchase_price/>',
      '<vendor/>',
      '<created_at>2013-11-14T10:34:00+00:00</created_at>',
      '<updated_at>2014-03-13T06:39:00+00:00</updated_at>',
      // SPEC 5.2 adds the ids after the seed's fields.
      '<part_id>728</part_id>',
      '<inventory_sublocation_id>1</inventory_sublocation_id>',
      '<unit_id>2</unit_id>',
      '</inventory_unit>',
    ]);
  });

  it('GET show 52 in JSON: quantities are numbers, money is a decimal string', async () => {
    const res = await send('show', { token, part_id: 728, id: 52, suffix: '.json' });
    expect(res.statusCode).toBe(200);
    const unit = (res.json as { inventory_unit: Record<string, unknown> }).inventory_unit;
    expect(Object.keys(unit)).toEqual(unitElements);
    expect(unit).toMatchObject({ id: 52, quantity: 3600, quantity_available: 3600, cost_per_unit: '0.009', serial_number: '', details: null });
  });

  it('PUT update 52 sets cost, serial number, lot code and datecode', async () => {
    const res = await curl('update', 52, `
<inventory_unit>
  <cost_per_unit>100</cost_per_unit>
  <serial_number>IU-42</serial_number>
  <lot_code>LC-223</lot_code>
  <datecode>DC-002</datecode>
</inventory_unit>`);
    expect(res.statusCode).toBe(200);
    const lines = xmlLines(res.body);
    expect(elementNames(lines)).toEqual(['inventory_unit', ...unitElements, 'inventory_unit']);
    expect(fields(lines)).toMatchObject({
      id: '52', quantity: '3600', cost_per_unit: '100.0', serial_number: 'IU-42', lot_code: 'LC-223', datecode: 'DC-002',
      asset_id: 'A0000000', created_at: '2013-11-14T10:34:00+00:00',
    });
    expect(fields(lines).updated_at).not.toBe('2014-03-13T06:39:00+00:00');
  });

  it('the search index follows the update: old lot code gone, new one found', async () => {
    const search = (term: string) =>
      send('search', { token, query: `field0=lot_code&comparison0=equals&term0=${term}` });
    expect(((await search('XKG982MAL')).json as { inventory_units: unknown[] }).inventory_units).toEqual([]);
    const found = (await search('lc-223')).json as { inventory_units: { id: number }[] };
    expect(found.inventory_units.map((u) => u.id)).toEqual([52]);
  });

  it('PUT adjust_quantity 52 to 100 logs the change with the comment', async () => {
    const res = await curl('adjust', 52, `
<inventory_unit>
  <quantity>100</quantity>
  <inventory_record>
    <comment>Transfered from Albany.</comment>
  </inventory_record>
</inventory_unit>`);
    expect(res.statusCode).toBe(200);
    expect(fields(xmlLines(res.body))).toMatchObject({ id: '52', quantity: '100', quantity_available: '100' });
    const log = await send('records', { token, part_id: 728, id: 52 });
    const entries = (log.json as { inventory_records: Record<string, unknown>[] }).inventory_records;
    expect(entries.at(-1)).toMatchObject({
      record_type: 'adjust', quantity_change: -3500, quantity_after: 100, comment: 'Transfered from Albany.',
      inventory_location: 'CDHQ - General Storage',
    });
  });

  it('POST create on part 728 answers 201 with the next id and the next free asset id', async () => {
    const res = await curl('create', undefined, createInventoryUnitXml);
    expect(res.statusCode).toBe(201);
    const lines = xmlLines(res.body);
    expect(elementNames(lines)).toEqual(['inventory_unit', ...unitElements, 'inventory_unit']);
    expect(fields(lines)).toMatchObject({
      id: '105', // the highest seeded id is 104
      quantity: '10', quantity_available: '10', unit: 'each', cost_per_unit: '14.0', currency: 'USD',
      inventory_location: 'CDHQ - Bin 14', sublocation_bin: 'Bottom Shelf',
      asset_id: 'A0000001', // A0000000 belongs to unit 52
      serial_number: null, lot_code: 'AB-LOT-CODE', datecode: '022016', details: null, vendor: null,
      part_id: '728', inventory_sublocation_id: '3', unit_id: '2',
    });
    expect(fields(lines).created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  it('PUT move 104 to sublocation 3 with a bin', async () => {
    const res = await curl('move', 104, `
<inventory_unit>
  <inventory_sublocation_id>3</inventory_sublocation_id>
  <sublocation_bin>Top Shelf</sublocation_bin>
  <inventory_record>
    <comment>Moving to a new storage.</comment>
  </inventory_record>
</inventory_unit>`);
    expect(res.statusCode).toBe(200);
    expect(fields(xmlLines(res.body))).toMatchObject({
      id: '104', quantity: '1275', cost_per_unit: null, inventory_location: 'CDHQ - Bin 14',
      sublocation_bin: 'Top Shelf', asset_id: null, inventory_sublocation_id: '3',
    });
  });

  it('POST split 104 answers [original, new] and the two add up to the original 1275', async () => {
    const res = await curl('split', 104, `
<inventory_unit>
  <inventory_sublocation_id>3</inventory_sublocation_id>
  <quantity>75</quantity>
  <asset_id>B000001</asset_id>
  <sublocation_bin>Top Shelf</sublocation_bin>
  <inventory_record>
    <comment>Splitting...</comment>
  </inventory_record>
</inventory_unit>`);
    expect(res.statusCode).toBe(200);
    const lines = xmlLines(res.body);
    expect(lines[0]).toBe('<inventory_units>');
    expect(lines.at(-1)).toBe('</inventory_units>');
    const inner = lines.slice(1, -1);
    const half = inner.length / 2;
    const [original, created] = [fields(inner.slice(0, half)), fields(inner.slice(half))];
    expect(elementNames(inner.slice(0, half))).toEqual(['inventory_unit', ...unitElements, 'inventory_unit']);
    expect(original).toMatchObject({ id: '104', quantity: '1200', inventory_location: 'CDHQ - Bin 14' });
    expect(Number(created.id)).toBeGreaterThan(105);
    expect(created).toMatchObject({
      quantity: '75', cost_per_unit: null, inventory_location: 'CDHQ - Bin 14', sublocation_bin: 'Top Shelf',
      asset_id: 'B000001', serial_number: null, lot_code: '', datecode: '', unit: 'each', part_id: '728',
    });
    for (const id of [104, Number(created.id)]) {
      const log = (await send('records', { token, part_id: 728, id })).json as { inventory_records: Record<string, unknown>[] };
      expect(log.inventory_records.at(-1)).toMatchObject({ record_type: 'split', comment: 'Splitting...' });
    }
  });

  it('loading the demo data again keeps what changed since', async () => {
    await seedDemo();
    const res = await send('show', { token, part_id: 728, id: 52 });
    expect(res.json).toMatchObject({ inventory_unit: { quantity: 100, lot_code: 'LC-223' } });
    const stale = await send('search', { token, query: 'field0=lot_code&comparison0=equals&term0=XKG982MAL' });
    expect(stale.json).toEqual({ inventory_units: [] });
  });

  it('part 730 exists and has no units', async () => {
    const res = await send('listByPart', { token, part_id: 730 });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ inventory_units: [] });
    expect(JSON.parse(res.headers['X-Pagination']!)).toMatchObject({ total_entries: 0, total_pages: 1 });
  });
});

describe('tenant other', () => {
  it('sees its own unit 52 under its own token', async () => {
    const res = await send('show', { token: 'other-inventory-token', part_id: 728, id: 52 });
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ inventory_unit: { id: 52, quantity: 1, part_id: 728 } });
  });

  it("gets 404 for the demo tenant's unit 104 and part 730", async () => {
    const show = await send('show', { token: 'other-inventory-token', part_id: 728, id: 104 });
    expect(show.statusCode).toBe(404);
    expect(show.json).toEqual({ errors: ['Not found'] });
    const list = await send('listByPart', { token: 'other-inventory-token', part_id: 730 });
    expect(list.statusCode).toBe(404);
  });
});
