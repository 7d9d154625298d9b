/**
 * The scenario, over HTTP only, for a fresh tenant: inventory reference data then an
 * inventory unit created and split there; a login and a course then an assignment; an edX
 * course with a cap of 1, codes, and the second enroll refused `Course full.`.
 */
import { expect, it } from 'vitest';
import { handler as createUnit } from '../../functions/inventory/create';
import { handler as splitUnit } from '../../functions/inventory/split';
import { handler as createEnrollmentCourse } from '../../functions/enrollment/create-course';
import { call } from '../helpers/http';
import { createTenant } from '../helpers/tenants';
import { api, failure, success } from './enrollment/support';
import { sendRef } from './inventory/reference-fixture';
import { sendUnits } from './units/reference-support';
import { grantUnits } from '../../lib/units/grant';

type Id = { id: number };

it('inventory: part, location with sublocation and unit of measure over HTTP; a unit created and split there', async () => {
  const t = await createTenant('scenario-inv');
  const token = t.inventoryToken;
  const part = ((await sendRef(token, 'createPart', { body: { part: { part_number: 'SCN-1', description: 'Scenario part' } } })).json as { part: Id }).part;
  const location = ((await sendRef(token, 'createLocation', { body: { inventory_location: { name: 'Depot' } } })).json as { inventory_location: Id }).inventory_location;
  const sub = ((await sendRef(token, 'createSublocation', { params: { location_id: location.id }, body: { inventory_sublocation: { name: 'Shelf 9' } } })).json as { inventory_sublocation: Id }).inventory_sublocation;
  const uom = ((await sendRef(token, 'createUom', { body: { unit: { name: 'pcs' } } })).json as { unit: Id }).unit;

  const created = await call(createUnit, {
    method: 'POST',
    route: '/api/v2/{api_token}/parts/{part_id}/inventory_units',
    path: `/api/v2/${token}/parts/${part.id}/inventory_units`,
    body: { inventory_unit: { inventory_sublocation_id: sub.id, unit_id: uom.id, quantity: 10, generate_asset_id: 'true' } },
  });
  expect(created.statusCode, created.body).toBe(201);
  const unit = (created.json as { inventory_unit: Id & Record<string, unknown> }).inventory_unit;
  expect(unit).toMatchObject({ quantity: 10, unit: 'pcs', inventory_location: 'Depot - Shelf 9', part_id: part.id, inventory_sublocation_id: sub.id, unit_id: uom.id });

  const split = await call(splitUnit, {
    method: 'POST',
    route: '/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}/split',
    path: `/api/v2/${token}/parts/${part.id}/inventory_units/${unit.id}/split`,
    body: { inventory_unit: { inventory_sublocation_id: sub.id, quantity: 4, generate_asset_id: 'true' } },
  });
  expect(split.statusCode, split.body).toBe(200);
  const [original, fresh] = (split.json as { inventory_units: Record<string, unknown>[] }).inventory_units;
  expect(original).toMatchObject({ id: unit.id, quantity: 6, inventory_location: 'Depot - Shelf 9' });
  expect(fresh).toMatchObject({ quantity: 4, inventory_location: 'Depot - Shelf 9', part_id: part.id, unit: 'pcs' });
});

it('course units: a login and a course over HTTP, then assigned', async () => {
  const t = await createTenant('scenario-units');
  await grantUnits(t.tenantId, 5);
  const login = (await sendUnits(t.unitsToken, 'createLogin', { body: { login: { email: 'worker@example.com', first_name: 'Wo' } } })).json as Id;
  expect((await sendUnits(t.unitsToken, 'createCourse', { body: { course: { code: 'SCN', name: 'Scenario', unit_cost: 2 } } })).statusCode).toBe(201);
  const assigned = await sendUnits(t.unitsToken, 'assign', { body: { course_codes: ['SCN'], login_ids: [login.id] } });
  expect(assigned.statusCode, assigned.body).toBe(200);
  expect(assigned.json).toEqual({});
});

it('enrollment: an edX course with a cap of 1 over HTTP, codes, the second enroll refused Course full.', async () => {
  const t = await createTenant('scenario-edx');
  const courseId = 'course-v1:Scn+Cap+2026';
  const created = await call(createEnrollmentCourse, {
    method: 'POST',
    path: '/api/enrollment/v1/courses',
    headers: { Authorization: `Bearer ${t.bearerToken}` },
    body: { course_id: courseId, max_enrollments: 1 },
  });
  expect(created.statusCode, created.body).toBe(201);
  const edx = api(t.bearerToken);
  const [first, second] = await edx.codesFor(courseId, 2);
  expect((await edx.enroll({ email: 'first@example.com', enrollment_code: first })).json).toEqual(success);
  const refused = await edx.enroll({ email: 'second@example.com', enrollment_code: second });
  expect(refused.statusCode).toBe(400);
  expect(refused.json).toEqual(failure('Course full.'));
});
