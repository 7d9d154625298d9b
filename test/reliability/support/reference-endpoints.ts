/**
 * The reliability suite's entries for the reference data endpoints (docs/REFERENCE-DATA.md),
 * joined into `specs` in endpoints.ts. A create sent with another tenant's credential creates
 * in that tenant (there is nothing of the first tenant to reach); reads and changes of the
 * first tenant's records answer as missing.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Response } from '../../helpers/http';
import type { CrossTenantCase, EndpointSpec } from './endpoints';
import type { World } from './world';

const notFound = { errors: ['Not found'] };
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const inventoryMissing = (params: (w: World) => Record<string, string>, body?: Record<string, unknown>) =>
  (a: World): CrossTenantCase => ({
    params: params(a),
    ...(body ? { body } : {}),
    expect: (res) => {
      expect(res.statusCode).toBe(404);
      expect(res.json).toEqual(notFound);
    },
  });

/** The list answers 200 with only the caller's records: none of `a`'s ids under `key`. */
const ownList = (key: string, ids: (a: World) => number[]) => (a: World): CrossTenantCase => ({
  expect: (res: Response) => {
    expect(res.statusCode).toBe(200);
    const listed = ((res.json as Record<string, { id: number }[]>)[key] ?? []).map((r) => r.id);
    for (const id of ids(a)) expect(listed).not.toContain(id);
  },
});

/** A create with the other tenant's credential creates in that tenant: 201. */
const createsOwn = (body: () => Record<string, unknown>) => (): CrossTenantCase => ({
  body: body(),
  expect: (res: Response) => expect(res.statusCode, res.body).toBe(201),
});

const unitsMissing = (params: (w: World) => Record<string, string>, body?: Record<string, unknown>) =>
  (a: World): CrossTenantCase => ({
    params: params(a),
    ...(body ? { body } : {}),
    expect: (res) => {
      expect(res.statusCode).toBe(404);
      expect(res.json).toEqual({ errors: 'Not found' });
    },
  });
/** A's highest login id: tenant b of the auth matrix has fewer logins. */
const lastLogin = (w: World) => ({ id: String(w.units.logins.at(-1)) });
const firstCourse = (w: World) => ({ code: w.units.codes[0]! });

const part = (w: World) => ({ part_id: String(w.inventory.partId) });
const location = (w: World) => ({ location_id: String(w.inventory.locationId) });
const sublocation = (w: World) => ({ location_id: String(w.inventory.locationId), id: String(w.inventory.sublocations[0]) });

export const referenceSpecs: Record<string, EndpointSpec> = {
  listLogins: {
    surface: 'units',
    fields: ['page', 'per_page'],
    valid: () => ({}),
    crossTenant: (_a, b) => ({
      expect: (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.json).toMatchObject({ total_entries: b.units.logins.length });
      },
    }),
  },
  showLogin: { surface: 'units', fields: [], valid: (w) => ({ params: lastLogin(w) }), crossTenant: unitsMissing(lastLogin) },
  createLogin: {
    surface: 'units',
    bodyRoot: 'login',
    fields: ['email', 'first_name', 'last_name'],
    valid: () => ({ body: { login: { email: `${unique('user')}@example.com`, first_name: 'Rel' } } }),
    createsInCaller: true,
    crossTenant: createsOwn(() => ({ login: { email: `${unique('user')}@example.com` } })),
  },
  updateLogin: {
    surface: 'units',
    bodyRoot: 'login',
    fields: ['email', 'first_name', 'last_name'],
    valid: (w) => ({ params: lastLogin(w), body: { login: { first_name: 'Renamed' } } }),
    crossTenant: unitsMissing(lastLogin, { login: { first_name: 'STOLEN' } }),
  },
  listCourses: {
    surface: 'units',
    fields: ['page', 'per_page'],
    valid: () => ({}),
    crossTenant: (a) => ({
      expect: (res) => {
        expect(res.statusCode).toBe(200);
        const codes = (res.json as { courses: { code: string }[] }).courses.map((c) => c.code);
        for (const code of a.units.codes) expect(codes).not.toContain(code);
      },
    }),
  },
  createCourse: {
    surface: 'units',
    bodyRoot: 'course',
    fields: ['code', 'name', 'unit_cost'],
    valid: () => ({ body: { course: { code: unique('C'), name: 'Reliability course', unit_cost: 1 } } }),
    // A's (second) course code: unique per tenant, so b may use it. (updateCourse aims at the first.)
    createsInCaller: true,
    crossTenant: (a) => ({
      body: { course: { code: a.units.codes[1]!, name: 'Same code' } },
      expect: (res) => expect(res.statusCode, res.body).toBe(201),
    }),
  },
  updateCourse: {
    surface: 'units',
    bodyRoot: 'course',
    fields: ['name', 'unit_cost'],
    valid: (w) => ({ params: firstCourse(w), body: { course: { name: `Course ${w.units.codes[0]}` } } }),
    crossTenant: unitsMissing(firstCourse, { course: { name: 'STOLEN' } }),
  },
  listParts: {
    surface: 'inventory',
    fields: ['part_number', 'page', 'per_page'],
    valid: () => ({}),
    crossTenant: ownList('parts', (a) => [a.inventory.partId]),
  },
  showPart: { surface: 'inventory', fields: [], valid: (w) => ({ params: part(w) }), crossTenant: inventoryMissing(part) },
  createPart: {
    surface: 'inventory',
    bodyRoot: 'part',
    fields: ['part_number', 'description', 'manufacturer', 'manufacturer_part_number'],
    valid: () => ({ body: { part: { part_number: unique('P'), description: 'Reliability' } } }),
    // The same part number as a's part: unique per tenant, so b may use it.
    createsInCaller: true,
    crossTenant: (a) => ({ body: { part: { part_number: `P-${a.inventory.partId}` } }, expect: (res) => expect(res.statusCode, res.body).toBe(201) }),
  },
  updatePart: {
    surface: 'inventory',
    bodyRoot: 'part',
    fields: ['part_number', 'description', 'manufacturer', 'manufacturer_part_number'],
    valid: (w) => ({ params: part(w), body: { part: { description: 'Updated' } } }),
    crossTenant: inventoryMissing(part, { part: { description: 'STOLEN' } }),
  },
  listInventoryLocations: {
    surface: 'inventory',
    fields: ['page', 'per_page'],
    valid: () => ({}),
    crossTenant: ownList('inventory_locations', (a) => [a.inventory.locationId]),
  },
  createInventoryLocation: {
    surface: 'inventory',
    bodyRoot: 'inventory_location',
    fields: ['name'],
    valid: () => ({ body: { inventory_location: { name: unique('Loc') } } }),
    createsInCaller: true,
    crossTenant: createsOwn(() => ({ inventory_location: { name: unique('Loc') } })),
  },
  renameInventoryLocation: {
    surface: 'inventory',
    bodyRoot: 'inventory_location',
    fields: ['name'],
    valid: (w) => ({ params: location(w), body: { inventory_location: { name: 'WH' } } }),
    crossTenant: inventoryMissing(location, { inventory_location: { name: 'STOLEN' } }),
  },
  createInventorySublocation: {
    surface: 'inventory',
    bodyRoot: 'inventory_sublocation',
    fields: ['name'],
    valid: (w) => ({ params: location(w), body: { inventory_sublocation: { name: unique('Bin') } } }),
    crossTenant: inventoryMissing(location, { inventory_sublocation: { name: 'STOLEN' } }),
  },
  renameInventorySublocation: {
    surface: 'inventory',
    bodyRoot: 'inventory_sublocation',
    fields: ['name'],
    valid: (w) => ({ params: sublocation(w), body: { inventory_sublocation: { name: 'Rack 1' } } }),
    crossTenant: inventoryMissing(sublocation, { inventory_sublocation: { name: 'STOLEN' } }),
  },
  listUnitsOfMeasure: { surface: 'inventory', fields: ['page', 'per_page'], valid: () => ({}), crossTenant: ownList('units', () => []) },
  createUnitOfMeasure: {
    surface: 'inventory',
    bodyRoot: 'unit',
    fields: ['name'],
    valid: () => ({ body: { unit: { name: unique('uom') } } }),
    createsInCaller: true,
    crossTenant: createsOwn(() => ({ unit: { name: unique('uom') } })),
  },
};
