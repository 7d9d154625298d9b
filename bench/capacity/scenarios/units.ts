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

/** Courses (~60 B), logins and pair sets (~4 B per login id) read eventually consistent. */
const minReadRcu = (courses: number, logins: number) => Math.max(1, Math.ceil((courses * 60 + logins * 4 + courses * logins * 4) / 4096) / 2);

export function unitsScenarios(shapes: [number, number, boolean][]): Scenario<Assign>[] {
  const out: Scenario<Assign>[] = [];
  for (const [courses, logins, small] of shapes) {
    let last: Assign | undefined; // the fixture of the primary's metered call: its pairs now exist
    const fresh = async (): Promise<Assign> => {
      const w = await unitsTenant();
      return (last = { w, codes: w.freshCourses(courses), logins: w.logins.slice(0, logins) });
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
        requests: 3 + Math.ceil(pairs / 25_000) * 2,
        rounds: 4,
        rcu: minReadRcu(courses, logins),
        wru: courses === 1 && logins === 1 ? 6 : 2 * Math.ceil((pairs * 4) / 1024) + 6,
        why: 'courses, logins and existing pairs in compact items (login ids ~4 B each, ~250 per 1 KB item), read in parallel; pair sets + account + ledger written in transactions (x2)',
      },
    });
    out.push({
      name: `assign_${courses}x${logins}_retry`,
      fn: 'assignUnits',
      warm: ({ w }) => warmTenant(w.tenant, 'units'),
      small,
      note: `the same assign_units again: every pair already assigned (if the first call succeeded)`,
      // a retry changes nothing: one fixture serves the CPU and the metered call
      reusable: true,
      prepare: async () => {
        if (last) return last;
        const a = await fresh();
        a.prepared = await invokeUnmetered('assignUnits', assignCall(a));
        return a;
      },
      call: assignCall,
      minimum: {
        requests: 1 + Math.ceil(pairs / 25_000),
        rounds: 1,
        rcu: minReadRcu(courses, logins),
        wru: 0,
        why: 'courses, logins and the existing pair sets read (compact); nothing to write',
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
  minimum: { requests: 2, rounds: 1, rcu: 8, wru: 0, why: 'account and one Query of 1,000 courses (~60 KB), in parallel' },
};
