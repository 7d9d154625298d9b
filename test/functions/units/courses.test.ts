/** Courses over HTTP: create, update, list; code uniqueness, validation, tenancy, XML; a new unit cost applies to later assignments only. */
import { beforeAll, describe, expect, it } from 'vitest';
import { grantUnits } from '../../../lib/units/grant';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { errorOf, sendUnits } from './reference-support';

let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant('courses-a'), createTenant('courses-b')]);
});

const create = (t: TestTenant, course: Record<string, unknown>) => sendUnits(t.unitsToken, 'createCourse', { body: { course } });

describe('POST /api/v2/courses', () => {
  it('answers 201 with the course; unit cost defaults to 1', async () => {
    const res = await create(a, { code: 'SAFE', name: 'Safety', unit_cost: 2 });
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ code: 'SAFE', name: 'Safety', unit_cost: 2 });
    expect((await create(a, { code: 'ONE', name: 'One' })).json).toEqual({ code: 'ONE', name: 'One', unit_cost: 1 });
  });

  it('refuses a code the tenant already has, changing nothing; another tenant may use it', async () => {
    expect((await create(a, { code: 'DUPC', name: 'First' })).statusCode).toBe(201);
    const res = await create(a, { code: 'DUPC', name: 'Second', unit_cost: 9 });
    expect(res.statusCode).toBe(422);
    expect(res.json).toEqual({ errors: 'Code has already been taken' });
    const list = (await sendUnits(a.unitsToken, 'listCourses', { query: 'per_page=100' })).json as { courses: { code: string; name: string }[] };
    expect(list.courses.filter((c) => c.code === 'DUPC')).toEqual([{ code: 'DUPC', name: 'First', unit_cost: 1 }]);
    expect((await create(b, { code: 'DUPC', name: 'Theirs' })).statusCode).toBe(201);
  });

  it('validates: code and name required, unit_cost an integer >= 0', async () => {
    for (const [course, message] of [
      [{ name: 'x' }, 'code is required'],
      [{ code: 'X1' }, 'name is required'],
      [{ code: ' ', name: 'x' }, "code can't be blank"],
      [{ code: 'X2', name: 'x', unit_cost: -1 }, 'unit_cost must be an integer >= 0'],
      [{ code: 'X3', name: 'x', unit_cost: 1.5 }, 'unit_cost must be an integer >= 0'],
      [{ code: 'X4', name: 'x', unit_cost: 'lots' }, 'unit_cost must be an integer >= 0'],
    ] as const) {
      const res = await create(a, course);
      expect(res.statusCode).toBe(422);
      expect(errorOf(res)).toBe(message);
    }
  });

  it('reads XML and answers XML', async () => {
    const res = await sendUnits(a.unitsToken, 'createCourse', {
      suffix: '.xml',
      headers: { 'Content-Type': 'application/xml' },
      body: '<course><code>XMLC</code><name>From XML</name><unit-cost type="integer">4</unit-cost></course>',
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).toMatch(/<content>\s*<code>XMLC<\/code>\s*<name>From XML<\/name>\s*<unit-cost type="integer">4<\/unit-cost>\s*<\/content>/);
  });
});

describe('PUT /api/v2/courses/:code', () => {
  it('changes name and unit cost; the new cost applies to assignments made afterwards only', async () => {
    const t = await createTenant('courses-cost');
    await grantUnits(t.tenantId, 100);
    await create(t, { code: 'COST', name: 'Costly', unit_cost: 2 });
    const logins = [];
    for (const email of ['c1@example.com', 'c2@example.com']) {
      logins.push(((await sendUnits(t.unitsToken, 'createLogin', { body: { login: { email } } })).json as { id: number }).id);
    }
    const first = await sendUnits(t.unitsToken, 'assign', { body: { course_codes: ['COST'], login_ids: [logins[0]] } });
    expect(first.statusCode, first.body).toBe(200);
    const res = await sendUnits(t.unitsToken, 'updateCourse', { params: { code: 'COST' }, body: { course: { unit_cost: 5, name: 'Dearer' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ code: 'COST', name: 'Dearer', unit_cost: 5 });
    await sendUnits(t.unitsToken, 'assign', { body: { course_codes: ['COST'], login_ids: logins } });
    // 2 for the first assignment (before the change) + 5 for the second login; the first is not charged again.
    const { handler: inventories } = await import('../../../functions/units/inventories');
    const { call } = await import('../../helpers/http');
    const account = await call(inventories, { path: '/api/v2/inventories', headers: { Authorization: `Token token="${t.unitsToken}"` } });
    expect(account.json).toMatchObject({ units_available: 93, units_used: 7, courses: [{ code: 'COST', name: 'Dearer', unit_cost: 5, assigned: 2 }] });
    const listed = (await sendUnits(t.unitsToken, 'listCourses')).json;
    expect(listed).toEqual({ courses: [{ code: 'COST', name: 'Dearer', unit_cost: 5 }], current_page: 1, per_page: 25, total_entries: 1, total_pages: 1 });
  });

  it("a missing course or another tenant's: 404, unchanged; bad input 422", async () => {
    await create(a, { code: 'PRIV', name: 'Private' });
    for (const res of [
      await sendUnits(b.unitsToken, 'updateCourse', { params: { code: 'PRIV' }, body: { course: { name: 'Stolen' } } }),
      await sendUnits(a.unitsToken, 'updateCourse', { params: { code: 'NOPE' }, body: { course: { name: 'x' } } }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json).toEqual({ errors: 'Not found' });
    }
    const bad = await sendUnits(a.unitsToken, 'updateCourse', { params: { code: 'PRIV' }, body: { course: { unit_cost: -3 } } });
    expect(bad.statusCode).toBe(422);
    const list = (await sendUnits(a.unitsToken, 'listCourses', { query: 'per_page=100' })).json as { courses: { code: string }[] };
    expect(list.courses.find((c) => c.code === 'PRIV')).toEqual({ code: 'PRIV', name: 'Private', unit_cost: 1 });
  });
});

describe('GET /api/v2/courses', () => {
  it('pages in creation order (JSON and XML); only the tenant\'s courses', async () => {
    const t = await createTenant('courses-list');
    for (const code of ['A1', 'B2', 'C3']) await create(t, { code, name: `Course ${code}` });
    const res = await sendUnits(t.unitsToken, 'listCourses', { query: 'per_page=2&page=2' });
    expect(res.json).toEqual({ courses: [{ code: 'C3', name: 'Course C3', unit_cost: 1 }], current_page: 2, per_page: 2, total_entries: 3, total_pages: 2 });
    const xml = await sendUnits(t.unitsToken, 'listCourses', { suffix: '.xml', query: 'per_page=1' });
    expect(xml.body).toMatch(/<courses type="array">\s*<course>\s*<code>A1<\/code>/);
    const other = (await sendUnits(b.unitsToken, 'listCourses')).json as { courses: { code: string }[] };
    expect(other.courses.map((c) => c.code)).not.toContain('A1');
  });
});
