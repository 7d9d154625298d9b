/** POST /api/v2/inventories/assign_units through the whole handler: input, auth, rules, formats. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../../helpers/tenants';
import { assign, inventories, ledgerTotals, range, snapshot, unitsTenant } from '../../lib/units/fixtures';

const xmlHeaders = { 'Content-Type': 'application/xml' };

describe('rejected requests change nothing', () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await unitsTenant({
      account: { unitsAvailable: 4, extraPayment: false },
      courses: [
        { code: 'A', name: 'Course A' },
        { code: 'B', name: 'Course B', unitCost: 2 },
      ],
      logins: [1, 2],
    });
  });

  const cases: [string, unknown, string][] = [
    ['none of the codes exist', { course_codes: ['X', 'Y'], login_ids: [1] }, 'No courses found for given codes'],
    ['some codes do not exist', { course_codes: ['A', 'X', 'Y'], login_ids: [1] }, 'Course codes not found: X, Y'],
    ['unknown logins', { course_codes: ['A'], login_ids: [1, 3, 4] }, 'Logins not found: 3, 4'],
    // 2 logins x (1 + 2) = 6 units > 4, and this account may not go into debt.
    ['not enough units', { course_codes: ['A', 'B'], login_ids: [1, 2] }, 'You do not have enough units to complete this operation'],
  ];

  it.each(cases)('%s: 422 with the message, JSON and XML', async (_name, body, message) => {
    const before = await snapshot(t.tenantId);
    const json = await assign(t.unitsToken, body as Record<string, unknown>);
    expect(json.statusCode).toBe(422);
    expect(json.json).toEqual({ errors: message });
    const xml = await assign(t.unitsToken, body as Record<string, unknown>, { path: '/api/v2/inventories/assign_units.xml' });
    expect(xml.statusCode).toBe(422);
    expect(xml.body).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  <error>${message}</error>\n</errors>\n`);
    expect(await snapshot(t.tenantId)).toEqual(before);
  });

  const invalid: [string, unknown, RegExp][] = [
    ['missing course_codes', { login_ids: [1] }, /^course_codes is required$/],
    ['missing login_ids', { course_codes: ['A'] }, /^login_ids is required$/],
    ['empty course_codes', { course_codes: [], login_ids: [1] }, /^course_codes must not be empty$/],
    ['empty login_ids', { course_codes: ['A'], login_ids: [] }, /^login_ids must not be empty$/],
    ['course_codes not an array', { course_codes: 'A', login_ids: [1] }, /^course_codes must be an array$/],
    ['login_ids not an array', { course_codes: ['A'], login_ids: 1 }, /^login_ids must be an array$/],
    ['a code that is not a string', { course_codes: [7], login_ids: [1] }, /^course_codes\.0 must be a string$/],
    ['a login id that is not an integer', { course_codes: ['A'], login_ids: [1, 'two'] }, /^login_ids\.1 must be an integer$/],
    ['a fractional login id', { course_codes: ['A'], login_ids: [1.5] }, /^login_ids\.0 must be an integer$/],
    ['101 course codes', { course_codes: range(1, 101).map(String), login_ids: [1] }, /^course_codes must have at most 100/],
    ['1001 login ids', { course_codes: ['A'], login_ids: range(1, 1001) }, /^login_ids must have at most 1000/],
  ];

  it.each(invalid)('%s: 422 naming the field', async (_name, body, message) => {
    const before = await snapshot(t.tenantId);
    const res = await assign(t.unitsToken, body as Record<string, unknown>);
    expect(res.statusCode).toBe(422);
    expect((res.json as { errors: string }).errors).toMatch(message);
    expect(await snapshot(t.tenantId)).toEqual(before);
  });
});

describe('authentication', () => {
  it('without a token: 401 text and WWW-Authenticate, as Rails', async () => {
    const res = await assign(undefined, { course_codes: ['A'], login_ids: [1] });
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe('HTTP Token: Access denied.\n');
    expect(res.headers['WWW-Authenticate']).toBe('Token realm="Application"');
  });

  it('with an unknown token: the same 401', async () => {
    const res = await assign('no-such-token', { course_codes: ['A'], login_ids: [1] });
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe('HTTP Token: Access denied.\n');
    expect(res.headers['WWW-Authenticate']).toBe('Token realm="Application"');
  });

  it('accepts Token token="X", Token X and Bearer X', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 0, extraPayment: false }, courses: [{ code: 'A', name: 'A', unitCost: 0 }], logins: [1] });
    for (const header of [`Token token="${t.unitsToken}"`, `Token ${t.unitsToken}`, `Bearer ${t.unitsToken}`]) {
      const res = await assign(undefined, { course_codes: ['A'], login_ids: [1] }, { headers: { Authorization: header } });
      expect(res.statusCode).toBe(200);
    }
  });
});

describe('successful assignment', () => {
  it('debits the cost of the new pairs and answers {}', async () => {
    const t = await unitsTenant({
      account: { unitsAvailable: 20, extraPayment: false },
      courses: [{ code: 'A', name: 'A' }, { code: 'B', name: 'B', unitCost: 3 }],
      logins: range(1, 5),
    });
    const res = await assign(t.unitsToken, { course_codes: ['A', 'B'], login_ids: [1, 2, 3] });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({});
    const cost = 3 * 1 + 3 * 3;
    const inv = (await inventories(t.unitsToken)).json as { units_available: number; units_used: number; courses: { assigned: number }[] };
    expect(inv.units_available).toBe(20 - cost);
    expect(inv.units_used).toBe(cost);
    expect(inv.courses.map((c) => c.assigned)).toEqual([3, 3]);
  });

  it('re-sending the same request charges nothing the second time', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 10, extraPayment: false }, courses: [{ code: 'A', name: 'A', unitCost: 2 }], logins: range(1, 5) });
    const body = { course_codes: ['A'], login_ids: [1, 2, 3] };
    expect((await assign(t.unitsToken, body)).statusCode).toBe(200);
    const after = await snapshot(t.tenantId);
    expect(after.inventory.units_available).toBe(10 - 3 * 2);
    const again = await assign(t.unitsToken, body);
    expect(again.statusCode).toBe(200);
    expect(again.json).toEqual({});
    expect(await snapshot(t.tenantId)).toEqual(after);
    // Overlapping: only login 4 is new.
    expect((await assign(t.unitsToken, { course_codes: ['A'], login_ids: [2, 3, 4] })).statusCode).toBe(200);
    expect((await snapshot(t.tenantId)).inventory.units_available).toBe(10 - 3 * 2 - 2);
  });

  it('charges duplicated codes and ids once', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 10, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: [1, 2] });
    expect((await assign(t.unitsToken, { course_codes: ['A', 'A'], login_ids: [1, 1, '1', 2] })).statusCode).toBe(200);
    expect((await snapshot(t.tenantId)).inventory.units_available).toBe(10 - 2);
  });

  it('records the shortfall as owed and reports it as extra_payment when allowed', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 3, extraPayment: true }, courses: [{ code: 'A', name: 'A', unitCost: 2 }], logins: range(1, 4) });
    // 4 pairs x 2 = 8 units; 3 available, so 5 owed.
    const res = await assign(t.unitsToken, { course_codes: ['A'], login_ids: range(1, 4) });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ extra_payment: '5' });
    const { inventory } = await snapshot(t.tenantId);
    expect(inventory).toMatchObject({ units_available: 0, units_used: 8, units_owed: 5 });
  });

  it('reads form bodies with bracket names', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 5, extraPayment: false }, courses: [{ code: 'JHSC', name: 'J' }], logins: [1, 2] });
    const res = await assign(t.unitsToken, 'course_codes[]=JHSC&login_ids[]=1&login_ids[]=2', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    expect((await snapshot(t.tenantId)).counts).toEqual({ JHSC: 2 });
  });

  it('reads XML with or without type="array" and answers an empty <content> as Rails writes {}', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 5, extraPayment: false }, courses: [{ code: 'JHSC', name: 'J' }], logins: [1, 2, 3] });
    const untyped = '<content><course-codes><course-code>JHSC</course-code></course-codes><login-ids><login-id>3</login-id></login-ids></content>';
    const res = await assign(t.unitsToken, untyped, { path: '/api/v2/inventories/assign_units.xml', headers: xmlHeaders });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/xml; charset=utf-8');
    expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<content>\n</content>\n');
    expect((await snapshot(t.tenantId)).counts).toEqual({ JHSC: 1 });
  });

  it('accepts a REST API (payload 1.0) event', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 5, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: [1] });
    const res = await assign(t.unitsToken, { course_codes: ['A'], login_ids: [1] }, { payload: '1.0' });
    expect(res.statusCode).toBe(200);
    expect((await snapshot(t.tenantId)).inventory.units_available).toBe(4);
  });
});

describe('a 10 x 1000 request', () => {
  it('succeeds whole: every pair assigned, charged once, one ledger entry', async () => {
    const codes = range(1, 10).map((i) => `C${i}`);
    const t = await unitsTenant({
      account: { unitsAvailable: 10_000, extraPayment: false },
      courses: codes.map((code) => ({ code, name: code })),
      logins: range(1, 1000),
    });
    const res = await assign(t.unitsToken, { course_codes: codes, login_ids: range(1, 1000) });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({});
    const { inventory, counts } = await snapshot(t.tenantId);
    expect(inventory).toMatchObject({ units_available: 0, units_used: 10_000, units_owed: 0 });
    expect(counts).toEqual(Object.fromEntries(codes.map((c) => [c, 1000])));
    expect(inventory.courses.map((c) => c.assigned)).toEqual(codes.map(() => 1000));
    expect(await ledgerTotals(t.tenantId)).toEqual({ entries: 1, units: 10_000, owed: 0, pairs: 10_000 });
  });
});

describe('the documented maximum, 100 x 1000', () => {
  // A limit for a loaded machine, not a measure of speed (that is `npm run capacity`).
  it('succeeds whole through the handler: 100,000 pairs assigned, charged once, one ledger entry; again: nothing charged', { timeout: 180_000 }, async () => {
    const codes = range(1, 100).map((i) => `M${i}`);
    const t = await unitsTenant({
      account: { unitsAvailable: 100_000, extraPayment: false },
      courses: codes.map((code) => ({ code, name: code })),
      logins: range(1, 1000),
    });
    const res = await assign(t.unitsToken, { course_codes: codes, login_ids: range(1, 1000) });
    expect(res.statusCode, res.body).toBe(200);
    const { inventory, counts } = await snapshot(t.tenantId);
    expect(inventory).toMatchObject({ units_available: 0, units_used: 100_000, units_owed: 0 });
    expect(new Set(Object.values(counts))).toEqual(new Set([1000]));
    expect(inventory.courses.map((c) => c.assigned)).toEqual(codes.map(() => 1000));
    expect(await ledgerTotals(t.tenantId)).toEqual({ entries: 1, units: 100_000, owed: 0, pairs: 100_000 });
    const again = await assign(t.unitsToken, { course_codes: codes, login_ids: range(1, 1000) });
    expect(again.statusCode, again.body).toBe(200);
    expect((await snapshot(t.tenantId)).inventory).toEqual(inventory);
  });
});
