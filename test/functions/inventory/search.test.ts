/** Search (fields, comparisons, OR, numbering, pagination) and a part's unit list. */
import { beforeAll, describe, expect, it } from 'vitest';
import { inventoryTenant, xmlLines, type InventoryTenant } from './fixture';

let t: InventoryTenant;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await inventoryTenant();
  const units: [string, Record<string, unknown>, number?][] = [
    ['alpha', { asset_id: 'AS-100', serial_number: 'SN-Alpha', lot_code: 'LOT-1', datecode: '2101', sublocation_bin: 'Top', details: 'Fragile glass', purchase_order_number: 'PO-77' }],
    ['beta', { serial_number: 'sn-beta', lot_code: 'LOT-10', datecode: '2102', sublocation_bin: 'Bottom', details: 'Metal', purchase_order_number: 'PO-78', inventory_sublocation_id: 2 }, 2],
    ['gamma', { lot_code: 'XLOT-1', datecode: '2201', details: 'glassware' }],
  ];
  for (const [name, fields, part] of units) ids[name] = (await t.createUnit(fields, part)).id;
});

async function search(query: string): Promise<number[]> {
  const res = await t.send('search', { query });
  expect(res.statusCode).toBe(200);
  return (res.json as { inventory_units: { id: number }[] }).inventory_units.map((u) => u.id);
}
const named = (...names: string[]) => names.map((n) => ids[n]!).sort((a, b) => a - b);

describe('search', () => {
  it.each([
    ['asset_id', 'as-1', ['alpha']],
    ['serial_number', 'SN-', ['alpha', 'beta']],
    ['lot_code', 'lot-1', ['alpha', 'beta', 'gamma']],
    ['datecode', '210', ['alpha', 'beta']],
    ['sublocation_bin', 'o', ['alpha', 'beta']],
    ['bin', 'bott', ['beta']],
    ['details', 'GLASS', ['alpha', 'gamma']],
    ['purchase_order_number', 'po-78', ['beta']],
    ['inventory_location', 'annex', ['beta']],
    ['part_id', '2', ['beta']],
  ])('field %s contains %s, case-insensitively', async (field, term, expected) => {
    expect(await search(`field0=${field}&comparison0=contains&term0=${term}`)).toEqual(named(...expected));
  });

  it('contains is the default comparison', async () => {
    expect(await search('field0=details&term0=glass')).toEqual(named('alpha', 'gamma'));
  });

  it('equals matches whole values only', async () => {
    expect(await search('field0=lot_code&comparison0=equals&term0=lot-1')).toEqual(named('alpha'));
    expect(await search('field0=part_id&comparison0=equals&term0=1')).toEqual(named('alpha', 'gamma'));
    expect(await search('field0=inventory_location&comparison0=equals&term0=wh%20-%20rack%201')).toEqual(named('alpha', 'gamma'));
  });

  it('starts_with matches prefixes only', async () => {
    expect(await search('field0=lot_code&comparison0=starts_with&term0=LOT-1')).toEqual(named('alpha', 'beta'));
    expect(await search('field0=details&comparison0=starts_with&term0=glass')).toEqual(named('gamma'));
  });

  it('a lone term searches every text field', async () => {
    expect(await search('term0=glass')).toEqual(named('alpha', 'gamma'));
    expect(await search('term0=annex')).toEqual(named('beta'));
  });

  it('criteria combine with OR', async () => {
    expect(await search('field0=asset_id&term0=as-100&field1=details&comparison1=equals&term1=metal')).toEqual(named('alpha', 'beta'));
  });

  it('a gap in the numbering ends the criteria', async () => {
    expect(await search('field0=details&term0=metal&field2=details&term2=glass')).toEqual(named('beta'));
  });

  it('refuses unknown fields and comparisons, and blank terms', async () => {
    for (const [query, message] of [
      ['field0=colour&term0=red', /^field0 must be one of: /],
      ['field0=details&term0=x&field1=details&comparison1=like&term1=y', /^comparison1 must be one of: contains, equals, starts_with$/],
      ['field0=details', /^term0 can't be blank$/],
    ] as const) {
      const res = await t.send('search', { query });
      expect(res.statusCode).toBe(422);
      expect((res.json as { errors: string[] }).errors[0]).toMatch(message);
    }
  });

  it('answers XML on the .xml route', async () => {
    const res = await t.send('search', { suffix: '.xml', query: 'field0=asset_id&term0=as-100' });
    const lines = xmlLines(res.body);
    expect(lines.slice(0, 3)).toEqual(['<inventory_units>', '<inventory_unit>', `<id>${ids.alpha}</id>`]);
    expect(JSON.parse(res.headers['X-Pagination']!).total_entries).toBe(1);
  });
});

describe('pagination (X-Pagination)', () => {
  let p: InventoryTenant;
  let all: number[];
  beforeAll(async () => {
    p = await inventoryTenant();
    all = [];
    for (let i = 0; i < 7; i++) all.push((await p.createUnit({ lot_code: `PAGE-${i}` })).id);
    await p.createUnit({ lot_code: 'OTHER' }, 2);
  });

  const page = async (query: string, endpoint: 'search' | 'listByPart' = 'search') => {
    const res = await p.send(endpoint, { query, part_id: 1 });
    expect(res.statusCode).toBe(200);
    return {
      ids: (res.json as { inventory_units: { id: number }[] }).inventory_units.map((u) => u.id),
      header: JSON.parse(res.headers['X-Pagination']!),
    };
  };

  it('splits the matches into pages in id order, with exact totals', async () => {
    const first = await page('term0=page-&per_page=3');
    expect(first.ids).toEqual(all.slice(0, 3));
    expect(first.header).toEqual({
      total_entries: 7, total_pages: 3, per_page: 3, current_page: 1, first_page: true, last_page: false,
      previous_page: null, next_page: 2, out_of_range: false,
    });
    const last = await page('term0=page-&per_page=3&page=3');
    expect(last.ids).toEqual(all.slice(6));
    expect(last.header).toMatchObject({ current_page: 3, first_page: false, last_page: true, previous_page: 2, next_page: null });
    const beyond = await page('term0=page-&per_page=3&page=4');
    expect(beyond.ids).toEqual([]);
    expect(beyond.header).toMatchObject({ current_page: 4, last_page: false, previous_page: 3, next_page: null, out_of_range: true });
  });

  it('defaults to 25 per page and caps per_page at 100', async () => {
    expect((await page('term0=page-')).header).toMatchObject({ per_page: 25, total_pages: 1, total_entries: 7 });
    expect((await page('term0=page-&per_page=1000')).header.per_page).toBe(100);
    const res = await p.send('search', { query: 'term0=x&page=0' });
    expect(res.statusCode).toBe(422);
    expect((res.json as { errors: string[] }).errors).toEqual(['page must be a positive integer']);
  });

  it('search without criteria lists every unit', async () => {
    expect((await page('per_page=100')).header.total_entries).toBe(8);
  });

  it("list-by-part pages through the part's units only", async () => {
    const second = await page('per_page=5&page=2', 'listByPart');
    expect(second.ids).toEqual(all.slice(5));
    expect(second.header).toMatchObject({ total_entries: 7, total_pages: 2, current_page: 2, previous_page: 1, next_page: null });
  });

  it('list-by-part answers XML, and 404 for an unknown part', async () => {
    const xml = await p.send('listByPart', { part_id: 2, suffix: '.xml' });
    expect(xmlLines(xml.body).filter((l) => l === '<inventory_unit>')).toHaveLength(1);
    const unknown = await p.send('listByPart', { part_id: 3 });
    expect(unknown.statusCode).toBe(404);
  });
});
