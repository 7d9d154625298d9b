/** Parts over HTTP: create, show, update, list (paged, by part number); uniqueness, validation, tenancy, XML. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { errorsOf, pagination, sendRef } from './reference-fixture';
import { xmlLines } from './fixture';

let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant('parts-a'), createTenant('parts-b')]);
});

const create = (t: TestTenant, part: Record<string, unknown>) => sendRef(t.inventoryToken, 'createPart', { body: { part } });
type Part = { id: number; part_number: string };
const created = async (t: TestTenant, part: Record<string, unknown>) => {
  const res = await create(t, part);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json as { part: Part }).part;
};

describe('POST /parts', () => {
  it('answers 201 with the part and a server-assigned id; ids increase', async () => {
    const res = await create(a, { part_number: 'R-1', description: 'Resistor', manufacturer: 'Yageo', manufacturer_part_number: 'RC0603' });
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({
      part: { id: expect.any(Number), part_number: 'R-1', description: 'Resistor', manufacturer: 'Yageo', manufacturer_part_number: 'RC0603' },
    });
    const next = await created(a, { part_number: 'R-2' });
    expect(next.id).toBe((res.json as { part: Part }).part.id + 1);
    expect(next).toEqual({ id: next.id, part_number: 'R-2', description: '', manufacturer: null, manufacturer_part_number: null });
  });

  it('refuses a part number the tenant already has, changing nothing; another tenant may use it', async () => {
    await created(a, { part_number: 'DUP-1' });
    const before = pagination(await sendRef(a.inventoryToken, 'listParts')).total_entries;
    const res = await create(a, { part_number: 'DUP-1', description: 'again' });
    expect(res.statusCode).toBe(422);
    expect(errorsOf(res)).toEqual(['Part number must be unique.']);
    expect(pagination(await sendRef(a.inventoryToken, 'listParts')).total_entries).toBe(before);
    await created(b, { part_number: 'DUP-1' });
  });

  it('concurrent creates of one part number: exactly one succeeds', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => create(a, { part_number: 'RACE-1' })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 422, 422, 422, 422, 422, 422, 422]);
  });

  it('validates: part_number required and not blank, lengths', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ description: 'x' }, 'part_number is required'],
      [{ part_number: '   ' }, "part_number can't be blank"],
      [{ part_number: 'x'.repeat(256) }, 'part_number must be at most 255 characters'],
      [{ part_number: 'OK-1', manufacturer: { a: 1 } }, 'manufacturer must be a string'],
    ];
    for (const [part, message] of cases) {
      const res = await create(a, part);
      expect(res.statusCode).toBe(422);
      expect(errorsOf(res)).toEqual([message]);
    }
  });

  it('reads XML and answers XML on the .xml route', async () => {
    const res = await sendRef(a.inventoryToken, 'createPart', {
      suffix: '.xml',
      headers: { 'Content-Type': 'application/xml' },
      body: '<part><part_number>XML-1</part_number><description>From XML</description></part>',
    });
    expect(res.statusCode).toBe(201);
    expect(xmlLines(res.body)).toEqual(expect.arrayContaining(['<part>', '<part_number>XML-1</part_number>', '<description>From XML</description>', '<manufacturer/>']));
  });

  it('accepts a form body with Rails bracket names', async () => {
    const res = await sendRef(a.inventoryToken, 'createPart', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'part%5Bpart_number%5D=FORM-1&part%5Bdescription%5D=Form',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json).toMatchObject({ part: { part_number: 'FORM-1', description: 'Form' } });
  });
});

describe('GET /parts/:id and PUT /parts/:id', () => {
  it('shows a part (JSON and XML); another tenant\'s or a missing part is 404', async () => {
    const part = await created(a, { part_number: 'SHOW-1' });
    const res = await sendRef(a.inventoryToken, 'showPart', { params: { part_id: part.id } });
    expect(res.json).toMatchObject({ part: { id: part.id, part_number: 'SHOW-1' } });
    const xml = await sendRef(a.inventoryToken, 'showPart', { params: { part_id: `${part.id}.xml` } });
    expect(xmlLines(xml.body)).toContain('<part_number>SHOW-1</part_number>');
    for (const res404 of [
      await sendRef(b.inventoryToken, 'showPart', { params: { part_id: part.id } }),
      await sendRef(a.inventoryToken, 'showPart', { params: { part_id: 999999 } }),
      await sendRef(a.inventoryToken, 'showPart', { params: { part_id: 'abc' } }),
    ]) {
      expect(res404.statusCode).toBe(404);
      expect(res404.json).toEqual({ errors: ['Not found'] });
    }
  });

  it('updates the given fields only; a new part number frees the old one', async () => {
    const part = await created(a, { part_number: 'UPD-1', description: 'old', manufacturer: 'M' });
    const res = await sendRef(a.inventoryToken, 'updatePart', { params: { part_id: part.id }, body: { part: { part_number: 'UPD-2', description: 'new' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ part: { id: part.id, part_number: 'UPD-2', description: 'new', manufacturer: 'M', manufacturer_part_number: null } });
    // UPD-1 is free again, UPD-2 is taken.
    await created(a, { part_number: 'UPD-1' });
    const taken = await create(a, { part_number: 'UPD-2' });
    expect(errorsOf(taken)).toEqual(['Part number must be unique.']);
  });

  it('refuses a part number another part has, changing nothing', async () => {
    const [p1, p2] = [await created(a, { part_number: 'U-A' }), await created(a, { part_number: 'U-B' })];
    const res = await sendRef(a.inventoryToken, 'updatePart', { params: { part_id: p2.id }, body: { part: { part_number: 'U-A', description: 'changed' } } });
    expect(res.statusCode).toBe(422);
    expect(errorsOf(res)).toEqual(['Part number must be unique.']);
    const shown = await sendRef(a.inventoryToken, 'showPart', { params: { part_id: p2.id } });
    expect(shown.json).toMatchObject({ part: { part_number: 'U-B', description: '' } });
    expect(p1.part_number).toBe('U-A');
  });

  it("another tenant's part is 404 and unchanged", async () => {
    const part = await created(a, { part_number: 'MINE-1' });
    const res = await sendRef(b.inventoryToken, 'updatePart', { params: { part_id: part.id }, body: { part: { description: 'stolen' } } });
    expect(res.statusCode).toBe(404);
    expect((await sendRef(a.inventoryToken, 'showPart', { params: { part_id: part.id } })).json).toMatchObject({ part: { description: '' } });
  });
});

describe('GET /parts', () => {
  it('pages in creation order with X-Pagination; filters by part_number; lists only the tenant\'s parts', async () => {
    const t = await createTenant('parts-list');
    for (let i = 1; i <= 5; i++) await created(t, { part_number: `L-${i}` });
    const page2 = await sendRef(t.inventoryToken, 'listParts', { query: 'page=2&per_page=2' });
    expect((page2.json as { parts: Part[] }).parts.map((p) => p.part_number)).toEqual(['L-3', 'L-4']);
    expect(pagination(page2)).toEqual({
      total_entries: 5, total_pages: 3, per_page: 2, current_page: 2, first_page: false, last_page: false,
      previous_page: 1, next_page: 3, out_of_range: false,
    });
    const byNumber = await sendRef(t.inventoryToken, 'listParts', { query: 'part_number=L-4' });
    expect((byNumber.json as { parts: Part[] }).parts.map((p) => p.part_number)).toEqual(['L-4']);
    expect(pagination(byNumber).total_entries).toBe(1);
    const other = await sendRef(b.inventoryToken, 'listParts', { query: 'part_number=L-4' });
    expect(other.json).toEqual({ parts: [] });
    const xml = await sendRef(t.inventoryToken, 'listParts', { suffix: '.xml', query: 'per_page=1' });
    expect(xmlLines(xml.body).slice(0, 3)).toEqual(['<parts>', '<part>', '<id>' + String((page2.json as { parts: Part[] }).parts[0]!.id - 2) + '</id>']);
  });
});
