/**
 * Course units (SPEC 5.1): assign_units at 1x1, 10x1000 and the documented maximum 100x1000,
 * each also retried (every pair already assigned), and the inventories listing.
 */
import { invokeUnmetered, type Invocation, type Scenario } from '../harness';
import { unitsTenant, warmTenant, type UnitsWorld } from '../world';

interface Assign {
  w: UnitsWorld;
  codes: string[];
  logins: number[];
  prepared?: string;
}

const assignCall = ({ w, codes, logins }: Assign): Invocation => ({
  http: {
    method: 'POST',
    path: '/api/v2/inventories/assign_units',
    headers: { authorization: `Token token="${w.tenant.unitsToken}"` },
    body: { course_codes: codes, login_ids: logins },
  },
});

export function unitsScenarios(shapes: [number, number, boolean][]): Scenario<Assign>[] {
  const out: Scenario<Assign>[] = [];
  for (const [courses, logins, small] of shapes) {
    const fresh = async (): Promise<Assign> => {
      const w = await unitsTenant();
      return { w, codes: w.freshCourses(courses), logins: w.logins.slice(0, logins) };
    };
    const pairs = courses * logins;
    out.push({
      name: `assign_${courses}x${logins}`,
      fn: 'assignUnits',
      warm: ({ w }) => warmTenant(w.tenant, 'units'),
      small,
      note: `assign_units, ${courses} courses x ${logins} logins, all ${pairs} pairs new`,
      prepare: fresh,
      call: assignCall,
      minimum: {
        requests: 4 + Math.ceil(courses / 100) + Math.ceil(logins / 100) + Math.ceil(pairs / 25_000),
        rounds: 4,
        rcu: 1 + courses / 2 + Math.ceil(logins / 400),
        wru: 2 * (3 + Math.ceil(pairs / 250)),
        why: 'credential; lease; courses and logins (compact reads); pairs as sets of ~250 login ids per item; account + ledger (x2 in a transaction)',
      },
    });
    out.push({
      name: `assign_${courses}x${logins}_retry`,
      fn: 'assignUnits',
      warm: ({ w }) => warmTenant(w.tenant, 'units'),
      small,
      note: `the same assign_units again: every pair already assigned`,
      prepare: async () => {
        const a = await fresh();
        a.prepared = await invokeUnmetered('assignUnits', assignCall(a));
        return a;
      },
      call: assignCall,
      minimum: {
        requests: 3 + Math.ceil(courses / 100) + Math.ceil(logins / 100),
        rounds: 3,
        rcu: 1 + courses / 2 + Math.ceil(logins / 400) + Math.ceil(pairs / 250 / 8),
        wru: 0,
        why: 'credential; courses, logins and the existing pair sets read; nothing to write',
      },
    });
  }
  return out;
}

export const inventoriesScenario: Scenario<UnitsWorld> = {
  name: 'inventories_1000',
  fn: 'listInventories',
  warm: (w) => warmTenant(w.tenant, 'units'),
  small: true,
  note: 'GET /api/v2/inventories: account with 1,000 courses',
  reusable: true,
  prepare: unitsTenant,
  call: (w) => ({ http: { path: '/api/v2/inventories', headers: { authorization: `Token token="${w.tenant.unitsToken}"` } } }),
  minimum: { requests: 3, rounds: 1, rcu: 8, wru: 0, why: 'credential, account, courses: one Query of 1,000 small items (~60 KB)' },
};
