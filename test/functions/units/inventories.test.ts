/** GET /api/v2/inventories: balance and courses, JSON and XML, one tenant's data only. */
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/units/inventories';
import { call } from '../../helpers/http';
import type { TestTenant } from '../../helpers/tenants';
import { assign, inventories, unitsTenant } from '../../lib/units/fixtures';

let first: TestTenant;
let second: TestTenant;

beforeAll(async () => {
  // Two tenants with a course of the same code: neither may see or use the other's.
  [first, second] = await Promise.all([
    unitsTenant({
      account: { unitsAvailable: 12, extraPayment: false },
      courses: [
        { code: 'JHSC', name: 'Job Hazard & Safety <Basics>' },
        { code: 'FORK', name: 'Forklift Operation', unitCost: 3 },
      ],
      logins: [1, 2, 3],
    }),
    unitsTenant({ account: { unitsAvailable: 7, extraPayment: true }, courses: [{ code: 'JHSC', name: 'Theirs' }, { code: 'ONLY2', name: 'Second only' }], logins: [1] }),
  ]);
  // first: JHSC to 1, 2 and FORK to 1 -> 2 x 1 + 1 x 3 = 5 units.
  expect((await assign(first.unitsToken, { course_codes: ['JHSC'], login_ids: [1, 2] })).statusCode).toBe(200);
  expect((await assign(first.unitsToken, { course_codes: ['FORK'], login_ids: [1] })).statusCode).toBe(200);
});

describe('GET /api/v2/inventories', () => {
  it('answers the balance and every course with its count, in JSON', async () => {
    const res = await inventories(first.unitsToken);
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(res.json).toEqual({
      units_available: 12 - 5,
      units_used: 5,
      units_owed: 0,
      courses: [
        { code: 'FORK', name: 'Forklift Operation', unit_cost: 3, assigned: 1 },
        { code: 'JHSC', name: 'Job Hazard & Safety <Basics>', unit_cost: 1, assigned: 2 },
      ],
    });
  });

  it('answers the same in XML, dasherised, escaped, courses as a typed array', async () => {
    const byAccept = await call(handler, {
      method: 'GET',
      path: '/api/v2/inventories',
      headers: { Authorization: `Token ${first.unitsToken}`, Accept: 'application/xml' },
    });
    for (const res of [await inventories(first.unitsToken, '/api/v2/inventories.xml'), byAccept]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['Content-Type']).toBe('application/xml; charset=utf-8');
      expect(res.body).toBe(
        [
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<content>',
          '  <units-available type="integer">7</units-available>',
          '  <units-used type="integer">5</units-used>',
          '  <units-owed type="integer">0</units-owed>',
          '  <courses type="array">',
          '    <course>',
          '      <code>FORK</code>',
          '      <name>Forklift Operation</name>',
          '      <unit-cost type="integer">3</unit-cost>',
          '      <assigned type="integer">1</assigned>',
          '    </course>',
          '    <course>',
          '      <code>JHSC</code>',
          '      <name>Job Hazard &amp; Safety &lt;Basics&gt;</name>',
          '      <unit-cost type="integer">1</unit-cost>',
          '      <assigned type="integer">2</assigned>',
          '    </course>',
          '  </courses>',
          '</content>',
          '',
        ].join('\n'),
      );
    }
  });

  it('shows another tenant only its own balance and courses', async () => {
    const res = await inventories(second.unitsToken);
    expect(res.json).toEqual({
      units_available: 7,
      units_used: 0,
      units_owed: 0,
      courses: [
        { code: 'JHSC', name: 'Theirs', unit_cost: 1, assigned: 0 },
        { code: 'ONLY2', name: 'Second only', unit_cost: 1, assigned: 0 },
      ],
    });
  });

  it('a tenant without an account or courses has zero of everything', async () => {
    const empty = await unitsTenant({});
    expect((await inventories(empty.unitsToken)).json).toEqual({ units_available: 0, units_used: 0, units_owed: 0, courses: [] });
  });

  it('requires the token', async () => {
    const res = await inventories('wrong-token');
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe('HTTP Token: Access denied.\n');
  });
});

describe('tenant isolation when assigning', () => {
  it("another tenant's course codes are not found", async () => {
    const res = await assign(first.unitsToken, { course_codes: ['ONLY2'], login_ids: [1] });
    expect(res.statusCode).toBe(422);
    expect(res.json).toEqual({ errors: 'No courses found for given codes' });
  });

  it('a shared code charges and counts only the calling tenant', async () => {
    const res = await assign(second.unitsToken, { course_codes: ['JHSC'], login_ids: [1] });
    expect(res.statusCode).toBe(200);
    expect(((await inventories(second.unitsToken)).json as { units_available: number }).units_available).toBe(7 - 1);
    const firstView = (await inventories(first.unitsToken)).json as { units_available: number; courses: { assigned: number }[] };
    expect(firstView.units_available).toBe(12 - 5);
    expect(firstView.courses.map((c) => c.assigned)).toEqual([1, 2]);
  });
});
