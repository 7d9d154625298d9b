/**
 * Enrollment (docs/ENROLLMENT.md): a tenant with one course capped at 2, four codes without
 * expiry and one that expires a minute after the world is made (a clock jump of the schedule
 * takes it past its expiry and the expiry job's settling time).
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { upsertCourse } from '../../../lib/enrollment/courses';
import { generateCourseCodes } from '../../../lib/enrollment/generate';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import type { HttpOp, Op, Outcome, Surface } from './sim';
import { scanRaw } from './tables';
import { lostUpdates } from './units';

export interface EnrollmentWorld extends TestTenant {
  courseId: string;
  cap: number;
  /** codes[4] expires a minute after the world was made. */
  codes: string[];
  expiresAt: string;
}

const courseId = 'course-v1:Sim+E1+1';
const emails = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];

export async function enrollmentWorld(): Promise<EnrollmentWorld> {
  const tenant = await createTenant('sim-e');
  const cap = 2;
  await upsertCourse(tenant.tenantId, { course_id: courseId, max_enrollments: cap });
  const codes = await generateCourseCodes(tenant.tenantId, courseId, 4);
  const expiresAt = new Date(Date.now() + 60_000).toISOString();
  codes.push(...(await generateCourseCodes(tenant.tenantId, courseId, 1, expiresAt)));
  return { ...tenant, courseId, cap, codes, expiresAt };
}

const clientArb = fc.record({ key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }), retries: fc.integer({ min: 0, max: 2 }), replay: fc.boolean() });

function http(w: EnrollmentWorld, fn: string, label: string, method: string, route: string, path: string, body: unknown, client: { key?: string; retries: number; replay: boolean }, meta?: Record<string, unknown>): HttpOp {
  return {
    kind: 'http', fn, label, retries: client.retries, replay: client.replay,
    ...(client.key ? { key: `${fn}-${label}-${client.key}` } : {}), ...(meta ? { meta } : {}),
    spec: { method, route, path, headers: { authorization: `Bearer ${w.bearerToken}` }, body: body as never },
  };
}

export const enrollmentOps: Surface<EnrollmentWorld>['ops'] = {
  enrollUserWithCode: fc.record({ email: fc.constantFrom(...emails), code: fc.integer({ min: 0, max: 4 }), client: clientArb }).map(({ email, code, client }) => (w: EnrollmentWorld): Op =>
    http(w, 'enrollUserWithCode', `enroll ${email} with code ${code}`, 'POST', '/api/enrollment/v1/enroll-user-with-code', '/api/enrollment/v1/enroll-user-with-code',
      { email, enrollment_code: w.codes[code] }, client)),
  enrollmentCodeStatus: fc.record({ action: fc.constantFrom('cancel', 'restore'), code: fc.integer({ min: 0, max: 4 }), client: clientArb }).map(({ action, code, client }) => (w: EnrollmentWorld): Op =>
    http(w, 'enrollmentCodeStatus', `${action} code ${code}`, 'POST', '/api/enrollment/v1/enrollment-code-status', '/api/enrollment/v1/enrollment-code-status',
      { enrollment_code: w.codes[code], action }, client)),
  generateEnrollmentCodes: fc.record({ n: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(1_000) }), expiring: fc.boolean(), client: clientArb }).map(({ n, expiring, client }) => (w: EnrollmentWorld): Op => ({
    ...http(w, 'generateEnrollmentCodes', `generate ${n}${expiring ? ' expiring' : ''}`, 'POST', '/api/enrollment/v1/generate-codes', '/api/enrollment/v1/generate-codes',
      { course_id: w.courseId, total_registration_codes: n, ...(expiring ? { expiration_date: w.expiresAt } : {}) }, client, { n }),
    deadlineAware: true,
  })),
  createEnrollmentCourse: fc.record({ n: fc.constantFrom(2, 3), client: clientArb }).map(({ n, client }) => (w: EnrollmentWorld): Op =>
    http(w, 'createEnrollmentCourse', `create course ${n}`, 'POST', '/api/enrollment/v1/courses', '/api/enrollment/v1/courses',
      { course_id: `course-v1:Sim+E${n}+1`, max_enrollments: 5 }, client)),
  updateEnrollmentCourse: fc
    .record({ field: fc.constantFrom('max_enrollments', 'enrollment_end'), cap: fc.constantFrom(1, 3, 10), client: clientArb })
    .map(({ field, cap, client }) => (w: EnrollmentWorld): Op => {
      const value = field === 'max_enrollments' ? cap : '2999-12-31T00:00:00.000Z';
      return http(w, 'updateEnrollmentCourse', `update course ${field}=${value}`, 'PUT', '/api/enrollment/v1/courses/{course_id}',
        `/api/enrollment/v1/courses/${encodeURIComponent(w.courseId)}`, { [field]: value }, client, { field, value });
    }),
  expireEnrollmentCodes: fc.constant((): Op => ({ kind: 'job', fn: 'expireEnrollmentCodes', label: 'expiry job', deadlineAware: true })),
  reconcile: fc.constant((): Op => ({ kind: 'job', fn: 'reconcile', label: 'reconcile job', deadlineAware: true })),
};

type Item = Record<string, unknown>;
const num = (v: unknown) => (v === undefined ? 0 : Number(v));

export async function checkEnrollment(w: EnrollmentWorld, outcomes: Outcome[]): Promise<string[]> {
  const items = (await scanRaw('enrollment')).map((i) => unmarshall(i as never) as Item);
  const t = w.tenantId;
  const out: string[] = [];
  const coursePk = `T#${t}#COURSE#${w.courseId}`;
  const course = items.find((i) => i.pk === coursePk && i.sk === 'COURSE');
  const counter = items.find((i) => i.pk === coursePk && i.sk === 'COUNTER') ?? {};
  const meta = items.find((i) => i.pk === coursePk && i.sk === 'CODES') ?? {};
  const enrollments = items.filter((i) => i.pk === coursePk && String(i.sk).startsWith('ENROLL#'));
  const batches = new Map(items.filter((i) => String(i.pk).startsWith(`T#${t}#BATCH#`)).map((b) => [String(b.pk).split('#BATCH#')[1]!, b]));
  // A code exists for the API when it was listed when written, or its batch committed.
  const codes = items.filter((i) => String(i.pk).startsWith(`T#${t}#CODE#`) && i.courseId === w.courseId)
    .filter((c) => c.seq !== undefined || batches.get(String(c.batch))?.status === 'committed');
  const byCode = new Map(codes.map((c) => [String(c.code), c]));
  // E1: each code redeemed at most once, by the enrollment that holds it.
  const holders = new Map<string, string[]>();
  for (const e of enrollments) holders.set(String(e.code), [...(holders.get(String(e.code)) ?? []), String(e.sk).slice('ENROLL#'.length)]);
  for (const [code, who] of holders) {
    if (who.length > 1) out.push(`E1 code ${code} redeemed by ${who.length} enrollments (${who.join(', ')})`);
    const c = byCode.get(code);
    if (!c || c.status !== 'redeemed' || !who.includes(String(c.email))) out.push(`E1 enrollment of ${who.join(', ')} holds code ${code}, which is ${c ? `${String(c.status)} for ${String(c.email)}` : 'missing'}`);
  }
  for (const c of codes.filter((x) => x.status === 'redeemed')) {
    if (!holders.get(String(c.code))?.includes(String(c.email))) out.push(`E1 code ${String(c.code)} is redeemed by ${String(c.email)}, who holds no enrollment with it`);
  }
  // E2: never more enrollments than a cap that was in force (the world's, or one a PUT set).
  const caps = [w.cap, ...outcomes.filter((o) => o.op.fn === 'updateEnrollmentCourse' && o.op.meta?.field === 'max_enrollments').map((o) => Number(o.op.meta!.value))];
  const highest = Math.max(...caps);
  if (enrollments.length > highest) out.push(`E2 ${enrollments.length} enrollments, above every cap in force (${caps.join(', ')})`);
  if (course && num(counter.cap) !== num(course.maxEnrollments)) out.push(`E2 COUNTER.cap ${String(counter.cap)} != course max_enrollments ${String(course.maxEnrollments)}`);
  // E3: the counters equal the items.
  if (num(counter.enrolled) !== enrollments.length) out.push(`E3 enrolled ${num(counter.enrolled)} != ${enrollments.length} enrollments`);
  for (const status of ['redeemed', 'canceled', 'expired']) {
    const n = codes.filter((c) => c.status === status).length;
    if (num(counter[`n_${status}`]) !== n) out.push(`E3 n_${status} ${num(counter[`n_${status}`])} != ${n} codes ${status}`);
  }
  if (num(meta.codes) !== codes.length) out.push(`E3 CODES.codes ${num(meta.codes)} != ${codes.length} codes that exist`);
  const expiring = new Map<string, number>();
  for (const c of codes.filter((x) => x.status === 'active' && x.expiresAt)) expiring.set(String(c.expiresAt), (expiring.get(String(c.expiresAt)) ?? 0) + 1);
  for (const e of items.filter((i) => i.pk === `T#${t}#EXPCOUNT#${w.courseId}`)) {
    if (num(e.active) !== (expiring.get(String(e.sk)) ?? 0)) out.push(`E3 EXPCOUNT ${String(e.sk)} active ${num(e.active)} != ${expiring.get(String(e.sk)) ?? 0} codes`);
    expiring.delete(String(e.sk));
  }
  for (const [at, n] of expiring) out.push(`E3 ${n} active codes expiring ${at} have no EXPCOUNT item`);
  // E4: a course PUT never undoes another.
  const sent = outcomes.filter((o) => o.op.fn === 'updateEnrollmentCourse' && o.op.meta)
    .map((o) => ({ field: o.op.meta!.field === 'max_enrollments' ? 'maxEnrollments' : 'enrollmentEnd', value: o.op.meta!.value, ok: o.answers.some((a) => a.status < 300) }));
  out.push(...lostUpdates('course', { maxEnrollments: w.cap, enrollmentEnd: undefined }, course, sent).map((m) => `E4 ${m}`));
  // Idempotency: a generate applied once per key.
  const generated = new Map<string, number>();
  for (const o of outcomes.filter((x) => x.op.fn === 'generateEnrollmentCodes' && x.op.kind === 'http' && x.op.key)) {
    const key = (o.op as HttpOp).key!;
    generated.set(key, Math.max(generated.get(key) ?? 0, Number(o.op.meta!.n)));
  }
  const unkeyed = outcomes.filter((x) => x.op.fn === 'generateEnrollmentCodes' && x.op.kind === 'http' && !x.op.key)
    .reduce((s, o) => s + Number(o.op.meta!.n) * Math.max(1, o.answers.length), 0);
  const allowed = w.codes.length + [...generated.values()].reduce((s, n) => s + n, 0) + unkeyed;
  if (codes.length > allowed) out.push(`I9 ${codes.length} codes exist, more than ${allowed} (the world's and one application per Idempotency-Key)`);
  return out;
}

export const enrollmentSurface: Surface<EnrollmentWorld> = { name: 'enrollment', world: enrollmentWorld, ops: enrollmentOps, check: checkEnrollment };
