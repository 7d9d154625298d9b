/**
 * The seed's examples (seeds/learninglogin-inventories.md), sent as written to the demo
 * tenants, in order: the only units test file that touches tenants `demo` and `other`.
 * Expected values follow from the demo data (SPEC section 6) and the rules of SPEC 5.1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemoTenants } from '../../../lib/auth/demo';
import { demoUnits, seedDemoUnits } from '../../../lib/units/demo';
import { assign, inventories } from '../../lib/units/fixtures';
import { assignUnitsXml } from '../../helpers/seed-bodies';

// Only this surface's part of the demo data (idempotent; a no-op when the global setup loaded it).
beforeAll(async () => {
  await seedDemoTenants();
  await seedDemoUnits();
});

const demo = 'demo-ll-token';
const other = 'other-ll-token';
const json = { 'Content-Type': 'application/json' };
const xml = { 'Content-Type': 'application/xml' };
const xmlPath = '/api/v2/inventories/assign_units.xml';
const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';

// The seed's JSON sample with its single quotes made valid JSON.
const seedJson = `  {
    "course_codes": ["JHSC"],
    "login_ids": [1, 2]
  }`;

const seedXml = assignUnitsXml;

const xmlRequest = (code: string, ids: number[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<content>\n  <course-codes type="array">\n     <course-code>${code}</course-code>\n  </course-codes>\n` +
  `  <login-ids type="array">\n${ids.map((id) => `     <login-id type="integer">${id}</login-id>\n`).join('')}  </login-ids>\n</content>`;

const jhscCost = demoUnits.demo.courses!.find((c) => c.code === 'JHSC')!.unitCost!;
const forkCost = demoUnits.demo.courses!.find((c) => c.code === 'FORK')!.unitCost!;
const demoStart = demoUnits.demo.account!.unitsAvailable;
const otherStart = demoUnits.other.account!.unitsAvailable;

describe('tenant demo (10 units, no extra payment)', () => {
  it('starts with the demo balance and courses', async () => {
    const res = await inventories(demo);
    expect(res.json).toEqual({
      units_available: 10,
      units_used: 0,
      units_owed: 0,
      courses: [
        { code: 'FORK', name: 'Forklift Operation', unit_cost: 3, assigned: 0 },
        { code: 'JHSC', name: 'Job Hazard Safety Certification', unit_cost: 1, assigned: 0 },
      ],
    });
  });

  it('JSON sample request: 200 {} and 2 x JHSC debited', async () => {
    const res = await assign(demo, seedJson, { headers: json });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({});
    expect(res.body).toBe('{}');
    expect(((await inventories(demo)).json as { units_available: number }).units_available).toBe(demoStart - 2 * jhscCost);
  });

  it('XML sample request (the same pairs again): 200, an empty <content> (Rails\' {}), and nothing charged twice', async () => {
    const res = await assign(demo, seedXml, { path: xmlPath, headers: xml });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/xml; charset=utf-8');
    expect(res.body).toBe(`${declaration}<content>\n</content>\n`);
    expect(((await inventories(demo)).json as { units_available: number }).units_available).toBe(demoStart - 2 * jhscCost);
  });

  it('JSON failure sample: not enough units, 422 {"errors": ...}, nothing changed', async () => {
    // FORK for logins 1..3 costs 3 x 3 = 9 > the 8 left.
    expect(3 * forkCost).toBeGreaterThan(demoStart - 2 * jhscCost);
    const res = await assign(demo, { course_codes: ['FORK'], login_ids: [1, 2, 3] });
    expect(res.statusCode).toBe(422);
    expect(res.json).toEqual({ errors: 'You do not have enough units to complete this operation' });
    const after = (await inventories(demo)).json as { units_available: number; courses: { code: string; assigned: number }[] };
    expect(after.units_available).toBe(demoStart - 2 * jhscCost);
    expect(after.courses.find((c) => c.code === 'FORK')!.assigned).toBe(0);
  });

  it('XML failure sample: <errors><error>No courses found for given codes</error></errors>', async () => {
    const res = await assign(demo, xmlRequest('NOPE', [1]), { path: xmlPath, headers: xml });
    expect(res.statusCode).toBe(422);
    expect(res.body).toBe(`${declaration}<errors>\n  <error>No courses found for given codes</error>\n</errors>\n`);
  });

  it('GET .xml shows the result', async () => {
    const res = await inventories(demo, '/api/v2/inventories.xml');
    expect(res.body).toBe(
      `${declaration}<content>\n  <units-available type="integer">${demoStart - 2 * jhscCost}</units-available>\n` +
        `  <units-used type="integer">${2 * jhscCost}</units-used>\n  <units-owed type="integer">0</units-owed>\n  <courses type="array">\n` +
        '    <course>\n      <code>FORK</code>\n      <name>Forklift Operation</name>\n      <unit-cost type="integer">3</unit-cost>\n      <assigned type="integer">0</assigned>\n    </course>\n' +
        '    <course>\n      <code>JHSC</code>\n      <name>Job Hazard Safety Certification</name>\n      <unit-cost type="integer">1</unit-cost>\n      <assigned type="integer">2</assigned>\n    </course>\n' +
        '  </courses>\n</content>\n',
    );
  });
});

describe('tenant other (5 units, extra payment allowed)', () => {
  it('XML: JHSC for logins 1..7 costs 7, 5 are available, so <extra-payment>2</extra-payment>', async () => {
    const res = await assign(other, xmlRequest('JHSC', [1, 2, 3, 4, 5, 6, 7]), { path: xmlPath, headers: xml });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(`${declaration}<content>\n  <extra-payment>${7 * jhscCost - otherStart}</extra-payment>\n</content>\n`);
  });

  it('JSON: one more login with the balance at 0 is {"extra_payment": "1"}, as the seed shows', async () => {
    const res = await assign(other, { course_codes: ['JHSC'], login_ids: [8] });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ extra_payment: String(1 * jhscCost) });
  });

  it('GET: the balance went to 0 and the shortfall is owed', async () => {
    expect((await inventories(other)).json).toEqual({
      units_available: 0,
      units_used: 8 * jhscCost,
      units_owed: 8 * jhscCost - otherStart,
      courses: [{ code: 'JHSC', name: 'Job Hazard Safety Certification', unit_cost: 1, assigned: 8 }],
    });
  });

  it("cannot use demo's FORK course", async () => {
    const res = await assign(other, { course_codes: ['JHSC', 'FORK'], login_ids: [1] });
    expect(res.statusCode).toBe(422);
    expect(res.json).toEqual({ errors: 'Course codes not found: FORK' });
  });
});
