/** Logins over HTTP: create, show, update, list; email uniqueness, validation, tenancy, XML; usable by assign_units at once. */
import { beforeAll, describe, expect, it } from 'vitest';
import { putUnitsData } from '../../../lib/units/repository';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { errorOf, sendUnits } from './reference-support';

let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant('logins-a'), createTenant('logins-b')]);
});

type Login = { id: number; email: string | null; first_name: string | null; last_name: string | null };
const create = (t: TestTenant, login: Record<string, unknown>) => sendUnits(t.unitsToken, 'createLogin', { body: { login } });
const created = async (t: TestTenant, login: Record<string, unknown>) => {
  const res = await create(t, login);
  expect(res.statusCode, res.body).toBe(201);
  return res.json as Login;
};

describe('POST /api/v2/logins', () => {
  it('answers 201 with the login; the server assigns increasing ids; the email is stored lower-cased', async () => {
    const first = await created(a, { email: 'Ann@Example.com', first_name: 'Ann', last_name: 'Lee' });
    expect(first).toEqual({ id: expect.any(Number), email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee' });
    const second = await created(a, { email: 'bob@example.com' });
    expect(second).toEqual({ id: first.id + 1, email: 'bob@example.com', first_name: null, last_name: null });
  });

  it('refuses an email the tenant already has (any case), changing nothing; another tenant may use it', async () => {
    await created(a, { email: 'dup@example.com' });
    const total = ((await sendUnits(a.unitsToken, 'listLogins')).json as { total_entries: number }).total_entries;
    const res = await create(a, { email: 'DUP@example.com', first_name: 'Again' });
    expect(res.statusCode).toBe(422);
    expect(res.json).toEqual({ errors: 'Email has already been taken' });
    expect(((await sendUnits(a.unitsToken, 'listLogins')).json as { total_entries: number }).total_entries).toBe(total);
    await created(b, { email: 'dup@example.com' });
  });

  it('concurrent creates with one email: exactly one succeeds', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => create(a, { email: 'race@example.com' })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 422, 422, 422, 422, 422]);
  });

  it('validates the fields', async () => {
    for (const [login, message] of [
      [{ first_name: 'x' }, 'email is required'],
      [{ email: 'not-an-email' }, 'email must be a valid email address'],
      [{ email: 'ok@example.com', first_name: 'x'.repeat(256) }, 'first_name must be at most 255 characters'],
      [{ email: 'ok@example.com', last_name: 7 }, 'last_name must be a string'],
    ] as const) {
      const res = await create(a, login);
      expect(res.statusCode).toBe(422);
      expect(errorOf(res)).toBe(message);
    }
  });

  it('reads XML and answers XML (dasherised, typed) on the .xml route', async () => {
    const res = await sendUnits(a.unitsToken, 'createLogin', {
      suffix: '.xml',
      headers: { 'Content-Type': 'application/xml' },
      body: '<login><email>xml@example.com</email><first-name>Xavier</first-name></login>',
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).toMatch(/<content>\s*<id type="integer">\d+<\/id>\s*<email>xml@example.com<\/email>\s*<first-name>Xavier<\/first-name>\s*<last-name\/>\s*<\/content>/);
  });

  it('skips ids that are already logins of the tenant (imported before the counter existed)', async () => {
    const t = await createTenant('logins-old');
    await putUnitsData(t.tenantId, { logins: [1, 2, 3] });
    const login = await created(t, { email: 'new@example.com' });
    expect(login.id).toBe(4);
  });
});

describe('GET/PUT /api/v2/logins/:id', () => {
  it('shows a login (JSON and XML); another tenant\'s or a missing login is 404', async () => {
    const login = await created(a, { email: 'show@example.com', first_name: 'Sho' });
    expect((await sendUnits(a.unitsToken, 'showLogin', { params: { id: login.id } })).json).toEqual(login);
    const xml = await sendUnits(a.unitsToken, 'showLogin', { params: { id: `${login.id}.xml` } });
    expect(xml.body).toContain('<email>show@example.com</email>');
    for (const res of [
      await sendUnits(b.unitsToken, 'showLogin', { params: { id: login.id } }),
      await sendUnits(a.unitsToken, 'showLogin', { params: { id: 99999999 } }),
      await sendUnits(a.unitsToken, 'showLogin', { params: { id: 'abc' } }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json).toEqual({ errors: 'Not found' });
    }
  });

  it('updates the given fields; a new email frees the old one; a taken email is 422 and changes nothing', async () => {
    const login = await created(a, { email: 'old@example.com', first_name: 'Old' });
    const other = await created(a, { email: 'other@example.com' });
    const res = await sendUnits(a.unitsToken, 'updateLogin', { params: { id: login.id }, body: { login: { email: 'New@example.com', last_name: 'Name' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ id: login.id, email: 'new@example.com', first_name: 'Old', last_name: 'Name' });
    await created(a, { email: 'old@example.com' }); // freed
    const taken = await sendUnits(a.unitsToken, 'updateLogin', { params: { id: other.id }, body: { login: { email: 'new@example.com', first_name: 'X' } } });
    expect(taken.statusCode).toBe(422);
    expect(taken.json).toEqual({ errors: 'Email has already been taken' });
    expect((await sendUnits(a.unitsToken, 'showLogin', { params: { id: other.id } })).json).toEqual(other);
  });

  it("another tenant's login is 404 and unchanged", async () => {
    const login = await created(a, { email: 'mine@example.com' });
    const res = await sendUnits(b.unitsToken, 'updateLogin', { params: { id: login.id }, body: { login: { first_name: 'Stolen' } } });
    expect(res.statusCode).toBe(404);
    expect((await sendUnits(a.unitsToken, 'showLogin', { params: { id: login.id } })).json).toEqual(login);
  });
});

describe('GET /api/v2/logins', () => {
  it('pages in creation order with the page fields (JSON and XML); only the tenant\'s logins', async () => {
    const t = await createTenant('logins-list');
    const made: Login[] = [];
    for (let i = 1; i <= 3; i++) made.push(await created(t, { email: `l${i}@example.com` }));
    const res = await sendUnits(t.unitsToken, 'listLogins', { query: 'page=2&per_page=2' });
    expect(res.json).toEqual({ logins: [made[2]], current_page: 2, per_page: 2, total_entries: 3, total_pages: 2 });
    const xml = await sendUnits(t.unitsToken, 'listLogins', { suffix: '.xml', query: 'per_page=1' });
    expect(xml.body).toMatch(/<logins type="array">\s*<login>\s*<id type="integer">\d+<\/id>\s*<email>l1@example.com<\/email>/);
    expect(xml.body).toContain('<total-entries type="integer">3</total-entries>');
    const bad = await sendUnits(t.unitsToken, 'listLogins', { query: 'page=0' });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad)).toBe('page must be a positive integer');
  });
});
