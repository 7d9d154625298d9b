/** What the fault tests compare: each surface's stored state for a tenant, read consistently. */
import { countEnrollments, getCode, getEnrolledCount, queryCourseCodes } from '../../../lib/enrollment/repository';
import { getUnits, listRecords } from '../../../lib/inventory/repository';
import { getAccount, listAssignments, listOperations } from '../../../lib/units/repository';
import { readJournal } from '../../../lib/units/repository-assign';
import { snapshot } from './snapshot';
import { range, type World } from './world';

/**
 * Every assigned pair of the tenant's courses (`CODE:login`, read from the assignment sets) and
 * the committed operation that added it (from its pair list, or its journal when larger), '' if none.
 */
export async function assignments(w: World): Promise<{ pair: string; op: string }[]> {
  const owner = new Map<string, string>();
  for (const op of (await listOperations(w.tenantId)).filter((o) => o.status === 'committed')) {
    const journal = op.pairList ? [] : [...(await readJournal(w.tenantId, op.opId, op.courseCodes))];
    const pairs = op.pairList ?? journal.flatMap(([code, ids]) => ids.map((id) => `${code}:${id}`));
    for (const pair of pairs) owner.set(pair, op.opId);
  }
  const out: { pair: string; op: string }[] = [];
  for (const code of w.units.codes) {
    for (const id of await listAssignments(w.tenantId, code)) out.push({ pair: `${code}:${id}`, op: owner.get(`${code}:${id}`) ?? '' });
  }
  return out;
}

export async function unitsState(w: World) {
  const [account, ops, items] = await Promise.all([getAccount(w.tenantId), listOperations(w.tenantId), assignments(w)]);
  return { account: account!, ops, items };
}

/** The pairs `codes x logins` as `CODE:login`, and what they cost at the world's unit costs. */
export function pairsOf(w: World, codes: string[], logins: number[]) {
  const pairs = codes.flatMap((c) => logins.map((l) => `${c}:${l}`));
  return { pairs, cost: codes.reduce((s, c) => s + w.units.costs[c]! * logins.length, 0) };
}

export async function enrollmentState(w: World, code: string) {
  const courseId = w.enrollment.courseId;
  const [record, counter, enrollments, listed] = await Promise.all([
    getCode(w.tenantId, code),
    getEnrolledCount(w.tenantId, courseId),
    countEnrollments(w.tenantId, courseId),
    queryCourseCodes(w.tenantId, courseId, 0, 0),
  ]);
  return { status: record?.status, email: record?.email, counter, enrollments, codes: listed.count };
}

/** The tenant's inventory units (ids 1..counter) with their logs, and the counters. */
export async function inventoryState(w: World) {
  const { counters } = await snapshot(w, {}, ['inventory']);
  const units = await getUnits(w.tenantId, range(1, counters.unit).slice(0, 100));
  const logs = await Promise.all(units.map((u) => listRecords(w.tenantId, u.id)));
  return { counters, units, logs };
}
