/**
 * Reference data over HTTP (docs/REFERENCE-DATA.md): the inventory surface's parts, locations,
 * sublocations and units of measure, and the course-units surface's logins and courses, once
 * each on a typical tenant (30 records of each kind: a full first page of 25), written through
 * the surfaces' own domain functions so they have their ids, list positions and claims. Also
 * a unit shown right after a rename made by another Lambda (labels.ts: version, then names).
 */
import { createBenchTenant, type BenchTenant } from '../../env';
import { createLocation, createSublocation, createUnitOfMeasure } from '../../../lib/inventory/locations';
import { createPart } from '../../../lib/inventory/parts';
import { findLocation, renameLocationItem } from '../../../lib/inventory/repository-reference';
import { forgetLabelsVersion } from '../../../lib/inventory/labels';
import { createCourse } from '../../../lib/units/courses';
import { createLogin } from '../../../lib/units/logins';
import { putUnitsData } from '../../../lib/units/repository';
import type { Scenario } from '../harness';
import { inventoryTenant, warmTenant } from '../world';
import { PART_ID } from '../../inventory-data';

const RECORDS = 30;
const base = '/api/v2/{api_token}';

interface InventoryRef {
  tenant: BenchTenant;
  partId: number;
  locationId: number;
  sublocationId: number;
}

interface UnitsRef {
  tenant: BenchTenant;
  loginId: number;
  courseCode: string;
}

let inventoryRef: Promise<InventoryRef> | undefined;
let unitsRef: Promise<UnitsRef> | undefined;

/** A tenant with 30 parts, 30 locations (each with one sublocation) and 30 units of measure. */
function inventoryRefTenant(): Promise<InventoryRef> {
  inventoryRef ??= (async () => {
    const tenant = await createBenchTenant();
    const t = tenant.tenantId;
    let first: Omit<InventoryRef, 'tenant'> | undefined;
    // One at a time: each create takes the next id and list position from the tenant's counter.
    for (let i = 1; i <= RECORDS; i++) {
      const part = await createPart(t, { part_number: `REF-${i}`, description: `Reference part ${i}`, manufacturer: 'Acme' });
      const location = await createLocation(t, `Location ${i}`);
      const sub = await createSublocation(t, location.id, `Shelf ${i}`);
      await createUnitOfMeasure(t, `uom ${i}`);
      first ??= { partId: part.id, locationId: location.id, sublocationId: sub.id };
    }
    return { tenant, ...first! };
  })();
  inventoryRef.catch(() => (inventoryRef = undefined));
  return inventoryRef;
}

/** A course-units account with 30 logins (with emails) and 30 courses. */
function unitsRefTenant(): Promise<UnitsRef> {
  unitsRef ??= (async () => {
    const tenant = await createBenchTenant();
    const t = tenant.tenantId;
    await putUnitsData(t, { account: { unitsAvailable: 1000, extraPayment: false } });
    let loginId = 0;
    for (let i = 1; i <= RECORDS; i++) {
      const login = await createLogin(t, { email: `learner${i}@example.com`, first_name: 'Learner', last_name: String(i) });
      loginId ||= login.id;
      await createCourse(t, { code: `REF${i}`, name: `Reference course ${i}`, unit_cost: 2 });
    }
    return { tenant, loginId, courseCode: 'REF1' };
  })();
  unitsRef.catch(() => (unitsRef = undefined));
  return unitsRef;
}

/** A fresh name for each call (creates and renames of one reusable fixture must not collide). */
let serial = 0;
const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++serial}`;

const inv = (w: InventoryRef, method: string, path: string, route: string, body?: Record<string, unknown>) => ({
  http: {
    method,
    path: `/api/v2/${w.tenant.inventoryToken}${path}`,
    route: `${base}${route}`,
    ...(body ? { body } : {}),
  },
});

type InventoryScenario = Omit<Scenario<InventoryRef>, 'fn' | 'prepare' | 'warm' | 'small' | 'reusable'> & { fn: string };

const inventoryScenarios: InventoryScenario[] = [
  {
    name: 'ref_parts_list',
    fn: 'listParts',
    note: 'GET parts, page 1 of 25, 30 parts',
    call: (w) => inv(w, 'GET', '/parts', '/parts'),
    minimum: { requests: 2, rounds: 1, rcu: 1.5, wru: 0, why: 'one key-range Query of 25 parts (gsi1, ~4 KB) and the counter (the total), in parallel' },
  },
  {
    name: 'ref_parts_by_number',
    fn: 'listParts',
    note: 'GET parts?part_number=REF-7',
    call: (w) => inv(w, 'GET', '/parts?part_number=REF-7', '/parts'),
    minimum: { requests: 2, rounds: 2, rcu: 1, wru: 0, why: 'the part number claim, then the part' },
  },
  {
    name: 'ref_part_show',
    fn: 'showPart',
    note: 'GET one part',
    call: (w) => inv(w, 'GET', `/parts/${w.partId}`, '/parts/{part_id}'),
    minimum: { requests: 1, rounds: 1, rcu: 0.5, wru: 0, why: 'the part' },
  },
  {
    name: 'ref_part_create',
    fn: 'createPart',
    note: 'POST a part (new part number)',
    call: (w) => inv(w, 'POST', '/parts', '/parts', { part: { part_number: fresh('NEW'), description: 'New part' } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 6, why: 'the counter; one transaction: counter, part, part number claim (x2)' },
  },
  {
    name: 'ref_part_update',
    fn: 'updatePart',
    note: 'PUT a part\'s description (same part number)',
    call: (w) => inv(w, 'PUT', `/parts/${w.partId}`, '/parts/{part_id}', { part: { description: fresh('Described') } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 2, why: 'the part; its Put conditioned on the number read (x2)' },
  },
  {
    name: 'ref_part_renumber',
    fn: 'updatePart',
    note: 'PUT a new part number (the claim moves in the same transaction)',
    call: (w) => inv(w, 'PUT', `/parts/${w.partId}`, '/parts/{part_id}', { part: { part_number: fresh('RENUM') } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 6, why: 'the part; one transaction: part, new claim, old claim deleted (x2)' },
  },
  {
    name: 'ref_locations_list',
    fn: 'listInventoryLocations',
    note: 'GET inventory_locations, page 1 of 25 (each with its sublocation)',
    call: (w) => inv(w, 'GET', '/inventory_locations', '/inventory_locations'),
    minimum: { requests: 2, rounds: 1, rcu: 1.5, wru: 0, why: 'one key-range Query of 25 locations + their sublocations, and the counter, in parallel' },
  },
  {
    name: 'ref_location_create',
    fn: 'createInventoryLocation',
    note: 'POST a location',
    call: (w) => inv(w, 'POST', '/inventory_locations', '/inventory_locations', { inventory_location: { name: fresh('Hall') } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 6, why: 'the counter; one transaction: counter, location, name claim (x2)' },
  },
  {
    name: 'ref_location_rename',
    fn: 'renameInventoryLocation',
    note: 'PUT a location\'s name: every unit there shows it (labels version bumped)',
    call: (w) => inv(w, 'PUT', `/inventory_locations/${w.locationId}`, '/inventory_locations/{location_id}', { inventory_location: { name: fresh('Hall') } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 8, why: 'the location; one transaction: its name, the labels version, the new name claim, the old one deleted (x2), whatever the units there' },
  },
  {
    name: 'ref_sublocation_create',
    fn: 'createInventorySublocation',
    note: 'POST a sublocation of a location',
    call: (w) => inv(w, 'POST', `/inventory_locations/${w.locationId}/inventory_sublocations`, '/inventory_locations/{location_id}/inventory_sublocations', {
      inventory_sublocation: { name: fresh('Bin') },
    }),
    minimum: { requests: 3, rounds: 3, rcu: 1, wru: 8, why: 'the location, then the counter; one transaction: counter, sublocation, location check, name claim (x2)' },
  },
  {
    name: 'ref_sublocation_rename',
    fn: 'renameInventorySublocation',
    note: 'PUT a sublocation\'s name (labels version bumped)',
    call: (w) => inv(w, 'PUT', `/inventory_locations/${w.locationId}/inventory_sublocations/${w.sublocationId}`, '/inventory_locations/{location_id}/inventory_sublocations/{id}', {
      inventory_sublocation: { name: fresh('Bin') },
    }),
    minimum: { requests: 3, rounds: 2, rcu: 1, wru: 8, why: 'location and sublocation in parallel; one transaction: its name, the labels version, the new name claim, the old one deleted (x2)' },
  },
  {
    name: 'ref_uoms_list',
    fn: 'listUnitsOfMeasure',
    note: 'GET units (of measure), page 1 of 25',
    call: (w) => inv(w, 'GET', '/units', '/units'),
    minimum: { requests: 2, rounds: 1, rcu: 1, wru: 0, why: 'one key-range Query of 25 units of measure and the counter, in parallel' },
  },
  {
    name: 'ref_uom_create',
    fn: 'createUnitOfMeasure',
    note: 'POST a unit of measure',
    call: (w) => inv(w, 'POST', '/units', '/units', { unit: { name: fresh('pack') } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 6, why: 'the counter; one transaction: counter, unit of measure, name claim (x2)' },
  },
];

const units = (w: UnitsRef, method: string, path: string, route?: string, body?: Record<string, unknown>) => ({
  http: {
    method,
    path,
    ...(route ? { route } : {}),
    headers: { authorization: `Token token="${w.tenant.unitsToken}"` },
    ...(body ? { body } : {}),
  },
});

type UnitsScenario = Omit<Scenario<UnitsRef>, 'prepare' | 'warm' | 'small' | 'reusable'>;

const unitsScenarios: UnitsScenario[] = [
  {
    name: 'ref_logins_list',
    fn: 'listLogins',
    note: 'GET logins, page 1 (30 logins)',
    call: (w) => units(w, 'GET', '/api/v2/logins'),
    minimum: { requests: 2, rounds: 1, rcu: 1, wru: 0, why: 'one key-range Query of a page of logins and the counter, in parallel' },
  },
  {
    name: 'ref_login_show',
    fn: 'showLogin',
    note: 'GET one login',
    call: (w) => units(w, 'GET', `/api/v2/logins/${w.loginId}`, '/api/v2/logins/{id}'),
    minimum: { requests: 1, rounds: 1, rcu: 0.5, wru: 0, why: 'the login' },
  },
  {
    name: 'ref_login_create',
    fn: 'createLogin',
    note: 'POST a login (new email)',
    call: (w) => units(w, 'POST', '/api/v2/logins', undefined, { login: { email: `${fresh('new')}@example.com`, first_name: 'New' } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 8, why: 'the counter; one transaction: counter, login, email claim, the id where assign_units finds logins (x2)' },
  },
  {
    name: 'ref_login_update',
    fn: 'updateLogin',
    note: 'PUT a login\'s first name (same email)',
    call: (w) => units(w, 'PUT', `/api/v2/logins/${w.loginId}`, '/api/v2/logins/{id}', { login: { first_name: fresh('Renamed') } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 2, why: 'the login; its write conditioned on the email read (x2)' },
  },
  {
    name: 'ref_courses_list',
    fn: 'listCourses',
    note: 'GET courses, page 1 (30 courses)',
    call: (w) => units(w, 'GET', '/api/v2/courses'),
    minimum: { requests: 2, rounds: 1, rcu: 1, wru: 0, why: 'one key-range Query of a page of courses and the counter, in parallel' },
  },
  {
    name: 'ref_course_create',
    fn: 'createCourse',
    note: 'POST a course (new code)',
    call: (w) => units(w, 'POST', '/api/v2/courses', undefined, { course: { code: fresh('C'), name: 'New course', unit_cost: 3 } }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 4, why: 'the counter; one transaction: counter and course (x2)' },
  },
  {
    name: 'ref_course_update',
    fn: 'updateCourse',
    note: 'PUT a course\'s unit cost',
    call: (w) => units(w, 'PUT', `/api/v2/courses/${w.courseCode}`, '/api/v2/courses/{code}', { course: { unit_cost: ++serial } }),
    minimum: { requests: 1, rounds: 1, rcu: 0, wru: 2, why: 'one conditional update of the course (x2 in a transaction, or 1)' },
  },
];

const UNIT_ROUTE = '/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}';

/** The typical inventory tenant's show, right after another Lambda renamed the unit's location. */
const showAfterRename: Scenario<Awaited<ReturnType<typeof inventoryTenant>>> = {
  name: 'show_unit_after_rename',
  fn: 'showInventoryUnit',
  small: true,
  note: 'GET one unit once a rename made elsewhere shows (this Lambda\'s names are stale, its labels version has lapsed)',
  reusable: true,
  prepare: () => inventoryTenant(100, '-writes'),
  warm: async (w) => {
    await warmTenant(w.tenant, 'inventory');
    // As another Lambda renames: the labels version moves, this process's names are not told.
    // The version this process read lapses after VERSION_TTL_MS (lib/inventory/labels.ts), then
    // the next show reads it: forgetting only the version is that lapse, without waiting for it
    // on the wall clock (a sleep let the slower caches of a loaded machine lapse too, and the
    // call after it measured more than a rename costs).
    const location = await findLocation(w.tenant.tenantId, 1);
    await renameLocationItem(w.tenant.tenantId, location!, fresh('CDHQ'));
    forgetLabelsVersion(w.tenant.tenantId);
  },
  call: (w) => ({ http: { path: `/api/v2/${w.tenant.inventoryToken}/parts/${PART_ID}/inventory_units/${w.showUnitId}`, route: UNIT_ROUTE } }),
  minimum: { requests: 3, rounds: 2, rcu: 2, wru: 0, why: 'the unit and the labels version in parallel; then the sublocation and location names (one BatchGet)' },
};

/** Search by a current label: the place list (cached), then the matching sublocation's index. */
const searchByLocation: Scenario<Awaited<ReturnType<typeof inventoryTenant>>> = {
  name: 'search_location_1k',
  fn: 'searchInventoryUnits',
  small: true,
  note: 'search inventory_location equals the label of the place all 1,000 units are at, first page',
  reusable: true,
  prepare: () => inventoryTenant(1000),
  warm: (w) => warmTenant(w.tenant, 'inventory'),
  call: (w) => ({
    http: {
      path: `/api/v2/${w.tenant.inventoryToken}/inventory_units/search?field0=inventory_location&comparison0=equals&term0=${encodeURIComponent('cdhq - general storage')}`,
      route: '/api/v2/{api_token}/inventory_units/search',
    },
  }),
  minimum: { requests: 3, rounds: 2, rcu: 21, wru: 0, why: 'the labels version beside the sublocation index Query of the matches (~1,000 x 65 B, for the total); BatchGet of the page' },
};

export const referenceScenarios: Scenario<never>[] = [
  ...inventoryScenarios.map((s): Scenario<InventoryRef> => ({
    ...s,
    small: true,
    reusable: true,
    prepare: inventoryRefTenant,
    warm: (w) => warmTenant(w.tenant, 'inventory'),
  })),
  ...unitsScenarios.map((s): Scenario<UnitsRef> => ({
    ...s,
    small: true,
    reusable: true,
    prepare: unitsRefTenant,
    warm: (w) => warmTenant(w.tenant, 'units'),
  })),
  showAfterRename,
  searchByLocation,
] as Scenario<never>[];
