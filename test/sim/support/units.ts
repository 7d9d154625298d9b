/**
 * Units (SPEC 5.1; docs/UNITS.md): a tenant with a balance, two courses and 53 logins spread
 * over 51 buckets, so that assigning both courses to all of them is a large operation (journal,
 * fenced bucket writes, commit) and assigning a few is a small one (adds inside the commit).
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { tableName } from '../../../lib/db/tables';
import { batchPutAll } from '../../../lib/db/batch';
import { recoverPendingOperations } from '../../../lib/units/operation';
import { putUnitsData } from '../../../lib/units/repository';
import { seededReferenceItems } from '../../../lib/units/repository-reference';
import { decodeRanges } from '../../../lib/units/repository-buckets';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import type { HttpOp, Op, Outcome, Surface } from './sim';
import { scanRaw } from './tables';

export interface UnitsWorld extends TestTenant {
  balance: number;
  codes: string[];
  costs: Record<string, number>;
  /** A few ids in bucket 0 (small operations). */
  few: number[];
  /** One id in each of buckets 1-50 (a large operation with both courses: 102 bucket adds, more than a commit holds). */
  spread: number[];
  /** The courses' fields as written by the world. */
  courses: Record<string, { name: string; unit_cost: number }>;
}

const codes = ['C1', 'C2'];
const costs: Record<string, number> = { C1: 1, C2: 2 };
const few = [1, 2, 3];
const spread = Array.from({ length: 50 }, (_, i) => (i + 1) * 256 + 5);

/** Variants: a balance that pays everything (0), or 100, less than a large assign's 180, with extra payment (1, 3) or without (2). */
export async function unitsWorld(variant = 0): Promise<UnitsWorld> {
  const tenant = await createTenant('sim-u');
  const balance = variant === 0 ? 1_000 : 100;
  const extraPayment = variant % 2 === 1;
  const logins = [...few, ...spread];
  await putUnitsData(tenant.tenantId, { account: { unitsAvailable: balance, extraPayment }, logins });
  // Profiles (what the login endpoints read and write) for the first few only: fewer items to write per run.
  await batchPutAll(tableName('units'), seededReferenceItems(tenant.tenantId, few, codes.map((code) => ({ code, name: `Course ${code}`, unitCost: costs[code] }))));
  return {
    ...tenant, balance, codes, costs, few, spread,
    courses: Object.fromEntries(codes.map((c) => [c, { name: `Course ${c}`, unit_cost: costs[c]! }])),
  };
}

const auth = (w: UnitsWorld) => ({ authorization: `Token token="${w.unitsToken}"` });
const keyArb = fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined });
const clientArb = fc.record({ key: keyArb, retries: fc.integer({ min: 0, max: 2 }), replay: fc.boolean() });

function http(w: UnitsWorld, fn: string, label: string, method: string, path: string, body: unknown, client: { key?: string; retries: number; replay: boolean }, meta?: Record<string, unknown>): HttpOp {
  const keyed = client.key ? { key: `${fn}-${label}-${client.key}` } : {};
  return {
    kind: 'http', fn, label, retries: client.retries, replay: client.replay, ...keyed, ...(meta ? { meta } : {}),
    spec: { method, route: path.replace(/\/C\d$/, '/{code}').replace(/\/\d+$/, '/{id}'), path, headers: auth(w), body: body as never },
  };
}

export const unitsOps: Surface<UnitsWorld>['ops'] = {
  assignUnits: fc
    .record({ codes: fc.subarray(codes, { minLength: 1 }), large: fc.oneof(fc.constant(true), fc.boolean()), logins: fc.subarray(few, { minLength: 1 }), client: clientArb })
        .map(({ codes: chosen, large, logins, client }) => (w: UnitsWorld): Op => {
      // Large: both courses x 53 logins in 51 buckets = 102 bucket adds, more than one commit holds.
      const c = large ? codes : chosen;
      return {
      ...http(w, 'assignUnits', `assign ${c.join('+')} x ${large ? 'all 53' : logins.join(',')}`, 'POST', '/api/v2/inventories/assign_units',
        { content: { course_codes: c, login_ids: large ? [...few, ...spread] : logins } }, client),
        deadlineAware: true,
      };
    }),
  createLogin: fc.record({ n: fc.integer({ min: 1, max: 2 }), client: clientArb }).map(({ n, client }) => (w: UnitsWorld): Op =>
    http(w, 'createLogin', `create login ${n}`, 'POST', '/api/v2/logins', { login: { email: `new${n}@example.com`, first_name: `New ${n}` } }, client)),
  updateLogin: fc
    .record({ id: fc.constantFrom(1), field: fc.constantFrom('first_name', 'email'), n: fc.integer({ min: 1, max: 2 }), client: clientArb })
    .map(({ id, field, n, client }) => (w: UnitsWorld): Op =>
      http(w, 'updateLogin', `update login ${id} ${field}`, 'PUT', `/api/v2/logins/${id}`,
        { login: { [field]: field === 'email' ? `l${id}-${n}@example.com` : `Name ${n}` } }, client, { id, field, value: field === 'email' ? `l${id}-${n}@example.com` : `Name ${n}` })),
  createCourse: fc.record({ code: fc.constantFrom('C3', 'C4'), client: clientArb }).map(({ code, client }) => (w: UnitsWorld): Op =>
    http(w, 'createCourse', `create course ${code}`, 'POST', '/api/v2/courses', { course: { code, name: `Course ${code}`, unit_cost: 3 } }, client)),
  updateCourse: fc
    .record({ code: fc.constantFrom('C1'), field: fc.constantFrom('name', 'unit_cost'), n: fc.constantFrom(0, 5), client: clientArb })
    .map(({ code, field, n, client }) => (w: UnitsWorld): Op => {
      const value = field === 'name' ? `Renamed ${n}` : n;
      return http(w, 'updateCourse', `update course ${code} ${field}=${value}`, 'PUT', `/api/v2/courses/${code}`, { course: { [field]: value } }, client, { code, field, value });
    }),
  reconcile: fc.constant((): Op => ({ kind: 'job', fn: 'reconcile', label: 'reconcile job', deadlineAware: true })),
  grantUnits: fc.constantFrom(7, 50).map((units) => (w: UnitsWorld): Op => ({ kind: 'call', fn: 'grantUnits', label: `grant ${units}`, args: [w.tenantId, units], meta: { units } })),
};

type Item = Record<string, unknown>;

const num = (v: unknown) => (v === undefined ? 0 : Number(v));

/** Fields of a resource that PUTs sent: the stored value must be the last one some PUT sent, or the world's if none did (a lost update otherwise). */
export function lostUpdates(
  what: string,
  initial: Record<string, unknown>,
  stored: Record<string, unknown> | undefined,
  sent: { field: string; value: unknown; ok: boolean }[],
): string[] {
  if (!stored) return [`${what}: missing`];
  const out: string[] = [];
  for (const [field, value] of Object.entries(initial)) {
    const values = sent.filter((s) => s.field === field);
    const now = stored[field];
    const norm = (x: unknown) => (x === null || x === undefined ? '' : String(x));
    const eq = (a: unknown, b: unknown) => norm(a) === norm(b);
    if (values.length === 0) {
      if (!eq(now, value)) out.push(`${what}.${field} is ${String(now)}: no request changed it (was ${String(value)})`);
    } else if (values.some((v) => v.ok) && !values.some((v) => eq(v.value, now))) {
      out.push(`${what}.${field} is ${String(now)}, but ${values.filter((v) => v.ok).map((v) => `a PUT answered 2xx setting ${String(v.value)}`).join(' and ')} and nothing else set it: a lost update`);
    }
  }
  return out;
}

export async function checkUnits(w: UnitsWorld, outcomes: Outcome[]): Promise<string[]> {
  const items = (await scanRaw('units')).map((i) => unmarshall(i as never) as Item);
  const t = w.tenantId;
  const out: string[] = [];
  const account = items.find((i) => i.pk === `T#${t}#ACCOUNT` && i.sk === 'ACCOUNT');
  if (!account) return ['units: account missing'];
  const ops = items.filter((i) => i.pk === `T#${t}#LEDGER`);
  const committed = ops.filter((o) => o.status === 'committed');
  // U1: money is conserved.
  const available = num(account.units_available);
  const used = num(account.units_used);
  const owed = num(account.units_owed);
  // Granted: every grant that answered, and any of those that failed (a failed call may have applied).
  const grants = outcomes.filter((o) => o.op.fn === 'grantUnits');
  const sure = grants.filter((o) => o.answers.some((a) => a.status < 300)).reduce((n, o) => n + Number(o.op.meta!.units), 0);
  const unsure = grants.filter((o) => !o.answers.some((a) => a.status < 300)).map((o) => Number(o.op.meta!.units));
  const possible = unsure.reduce((sums, u) => [...sums, ...sums.map((x) => x + u)], [sure]).map((g) => w.balance + g);
  if (!possible.includes(available + used - owed)) {
    out.push(`U1 units_available ${available} + units_used ${used} - units_owed ${owed} != ${possible.join(' or ')} bought and granted`);
  }
  if (owed > 0 && available > 0) out.push(`U8 ${owed} units owed while ${available} are available (a charge must take the balance first, a grant pays the debt first)`);
  const charged = committed.reduce((s, o) => s + num(o.units), 0);
  if (charged !== used) out.push(`U2 units_used ${used} != ${charged} charged by committed ledger entries`);
  // The pairs each committed operation charged: its pair list, or its journal.
  const owner = new Map<string, string[]>();
  for (const op of committed) {
    const opId = String(op.op_id);
    const pairs = op.pair_list
      ? [...(op.pair_list as Iterable<string>)]
      : items
          .filter((i) => String(i.sk) === `J#${opId}`)
          .flatMap((j) => decodeRanges(String(j.ids)).map((id) => `${String(j.pk).split('#ASSIGN#')[1]}:${id}`));
    if (!op.pair_list && num(op.pairs) !== pairs.length) out.push(`U3 committed op ${opId} charged ${num(op.pairs)} pairs, its journal lists ${pairs.length}`);
    for (const p of pairs) owner.set(p, [...(owner.get(p) ?? []), opId]);
  }
  const stored = new Map<string, Set<number>>();
  for (const b of items.filter((i) => String(i.pk).startsWith(`T#${t}#ASSIGN#`) && String(i.sk).startsWith('B#'))) {
    const code = String(b.pk).split('#ASSIGN#')[1]!;
    const set = stored.get(code) ?? new Set<number>();
    for (const id of (b.ids as Set<number> | undefined) ?? []) set.add(Number(id));
    stored.set(code, set);
  }
  for (const [code, ids] of stored) {
    for (const id of ids) {
      const by = owner.get(`${code}:${id}`) ?? [];
      if (by.length !== 1) out.push(`U3 stored pair ${code}:${id} belongs to ${by.length} committed ledger charges${by.length ? ` (${by.join(', ')})` : ''}`);
    }
  }
  for (const [pair, by] of owner) {
    const [code, id] = pair.split(':') as [string, string];
    if (by.length > 1) out.push(`U3 pair ${pair} charged by ${by.length} committed operations`);
    if (!stored.get(code)?.has(Number(id))) out.push(`U5 committed pair ${pair} (op ${by.join(', ')}) was removed`);
  }
  // U9: a bucket fenced against an undone operation holds none of the ids only that operation added.
  const aborted = ops.filter((o) => o.status === 'aborted' || o.status === 'aborting');
  for (const b of items.filter((i) => String(i.pk).startsWith(`T#${t}#ASSIGN#`) && String(i.sk).startsWith('B#') && i.fence !== undefined)) {
    const code = String(b.pk).split('#ASSIGN#')[1]!;
    for (const id of (b.ids as Set<number> | undefined) ?? []) {
      if ((owner.get(`${code}:${Number(id)}`) ?? []).length > 0) continue;
      const by = aborted.filter((o) => String(o.sk) <= String(b.fence) && items.some((j) =>
        j.pk === b.pk && j.sk === `J#${String(o.op_id)}` && decodeRanges(String(j.ids)).includes(Number(id))));
      if (by.length > 0) out.push(`U9 pair ${code}:${Number(id)} is stored past its bucket's fence (${String(b.fence)}): only undone operation ${by.map((o) => String(o.op_id)).join(', ')} added it`);
    }
  }
  // U4: the per-course counts equal the stored sets.
  const allCodes = new Set([...stored.keys(), ...Object.keys(account).filter((k) => k.startsWith('assigned:')).map((k) => k.slice('assigned:'.length))]);
  for (const code of allCodes) {
    const recorded = num(account[`assigned:${code}`]);
    const count = stored.get(code)?.size ?? 0;
    if (recorded !== count) out.push(`U4 assigned:${code} is ${recorded}, its stored set holds ${count}`);
  }
  if (account.lock_op !== undefined) out.push(`U6 the lock is still held by ${String(account.lock_op)} after recovery`);
  // Lost updates of course and login PUTs.
  const puts = (fn: string) => outcomes.filter((o) => o.op.fn === fn && o.op.meta);
  for (const code of w.codes) {
    const course = items.find((i) => i.pk === `T#${t}#COURSES` && i.sk === `COURSE#${code}`);
    const sent = puts('updateCourse').filter((o) => o.op.meta!.code === code)
      .map((o) => ({ field: String(o.op.meta!.field), value: o.op.meta!.value, ok: o.answers.some((a) => a.status < 300) }));
    out.push(...lostUpdates(`course ${code}`, w.courses[code]!, course, sent).map((m) => `U7 ${m}`));
  }
  return out;
}

export const unitsSurface: Surface<UnitsWorld> = {
  name: 'units', world: unitsWorld, ops: unitsOps, check: checkUnits,
  // The next assign (or the job) would undo a crashed holder's operation once its lease lapsed.
  settle: async (w) => {
    await recoverPendingOperations(w.tenantId, 0);
  },
};
