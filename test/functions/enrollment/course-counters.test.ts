/**
 * GET courses/{id} code counts from counters (issue 16's gaps), the enrollments list by
 * positions with holes, and the cap enforced by enroll's transaction against a concurrent
 * lowering PUT. Everything through the handlers (the jobs through their entry points).
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as createCourse } from '../../../functions/enrollment/create-course';
import { handler as listEnrollments } from '../../../functions/enrollment/list-enrollments';
import { handler as showCourse } from '../../../functions/enrollment/show-course';
import { handler as updateCourse } from '../../../functions/enrollment/update-course';
import { db } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import { unlimited } from '../../../lib/deadline';
import { counterKey, enrollmentKey, expiryCountKey } from '../../../lib/enrollment/keys';
import type { CodeRecord } from '../../../lib/enrollment/model';
import { reconcileCourse } from '../../../lib/enrollment/reconcile';
import { countEnrollments, insertCodes } from '../../../lib/enrollment/repository';
import { expireEnrollmentCodes } from '../../../lib/jobs/expire';
import { call } from '../../helpers/http';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { api, success } from './support';

let t: TestTenant;
let client: ReturnType<typeof api>;
beforeAll(async () => {
  t = await createTenant('ecounters');
  client = api(t.bearerToken);
});

const hourMs = 3_600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const auth = () => ({ Authorization: `Bearer ${t.bearerToken}`, host: 'api.example.com' });
const route = '/api/enrollment/v1/courses/{course_id}';
const create = async (courseId: string, extra: Record<string, unknown> = {}) =>
  expect((await call(createCourse, { method: 'POST', path: '/api/enrollment/v1/courses', headers: auth(), body: { course_id: courseId, ...extra } })).statusCode).toBe(201);
const show = async (courseId: string) => (await call(showCourse, { path: `/api/enrollment/v1/courses/${encodeURIComponent(courseId)}`, route, headers: auth() })).json as Record<string, unknown>;
const codesOf = async (courseId: string) => (await show(courseId)).codes;
const update = (courseId: string, body: Record<string, unknown>) =>
  call(updateCourse, { method: 'PUT', path: `/api/enrollment/v1/courses/${encodeURIComponent(courseId)}`, route, headers: auth(), body });
const enrollments = async (courseId: string, page: number, perPage: number) =>
  (await call(listEnrollments, { path: `/api/enrollment/v1/enrollments?${new URLSearchParams({ course_id: courseId, page: String(page), per_page: String(perPage) })}`, headers: auth() }))
    .json as { count: number; num_pages: number; next: string | null; previous: string | null; results: { email: string; code: string }[] };
const raw = (key: { pk: string; sk: string }) => db().send(new GetCommand({ TableName: tableName('enrollment'), Key: key, ConsistentRead: true })).then((r) => r.Item);
const counts = (active: number, redeemed: number, canceled: number, expired: number) => ({ active, redeemed, canceled, expired });

describe('GET courses/{id}: code counts per status from counters', () => {
  it('follow generate (one transaction and a batch), enroll, cancel and restore', async () => {
    const id = 'course-v1:Cnt+Flow+1';
    await create(id);
    expect(await codesOf(id)).toEqual(counts(0, 0, 0, 0));
    const few = await client.codesFor(id, 3);
    const many = (await client.generate({ course_id: id, total_registration_codes: 40, expiration_date: at(24 * hourMs) })).json as { codes: string[] };
    expect(await codesOf(id)).toEqual(counts(43, 0, 0, 0));

    expect((await client.enroll({ email: 'a@example.com', enrollment_code: few[0] })).json).toEqual(success);
    expect((await client.enroll({ email: 'b@example.com', enrollment_code: many.codes[0] })).json).toEqual(success);
    expect(await codesOf(id)).toEqual(counts(41, 2, 0, 0));

    expect((await client.status({ enrollment_code: few[0], action: 'cancel' })).json).toEqual(success); // redeemed -> canceled
    expect((await client.status({ enrollment_code: few[1], action: 'cancel' })).json).toEqual(success); // active -> canceled
    expect((await client.status({ enrollment_code: many.codes[1], action: 'cancel' })).json).toEqual(success);
    expect(await codesOf(id)).toEqual(counts(39, 1, 3, 0));

    expect((await client.status({ enrollment_code: many.codes[0], action: 'restore' })).json).toEqual(success); // redeemed -> active
    expect((await client.status({ enrollment_code: few[1], action: 'restore' })).json).toEqual(success); // canceled -> active
    expect(await codesOf(id)).toEqual(counts(41, 0, 2, 0));
    expect((await show(id)).enrolled).toBe(0);
  });

  it('an active code past its expiry counts as expired at once; the expiry job and a restore keep the counts right', async () => {
    const id = 'course-v1:Cnt+Expiry+1';
    await create(id);
    const record = (code: string, expiresAt?: string): CodeRecord => ({ code, courseId: id, status: 'active', createdAt: at(-3 * hourMs), ...(expiresAt ? { expiresAt } : {}) });
    const past = at(-hourMs);
    expect(await insertCodes(t.tenantId, [record('CNTEXP01', past), record('CNTEXP02', past), record('CNTEXP03', at(hourMs)), record('CNTEXP04')])).toEqual([]);
    expect(await codesOf(id)).toEqual(counts(2, 0, 0, 2));
    expect((await client.status({ enrollment_code: 'CNTEXP02', action: 'cancel' })).json).toEqual(success); // active past expiry -> canceled
    expect(await codesOf(id)).toEqual(counts(2, 0, 1, 1));

    // 2 min, not 0: other files check codes that expired a minute ago and must find them untouched
    await expireEnrollmentCodes({ budget: unlimited, settleMs: 2 * 60_000 });
    expect(await codesOf(id)).toEqual(counts(2, 0, 1, 1));
    expect(Number((await raw(counterKey(t.tenantId, id)))?.n_expired)).toBe(1);
    expect(await raw(expiryCountKey(t.tenantId, id, past))).toBeUndefined(); // emptied, so deleted

    expect((await client.status({ enrollment_code: 'CNTEXP01', action: 'restore' })).json).toEqual(success); // stored expired -> active, still past its date
    expect(await codesOf(id)).toEqual(counts(2, 0, 1, 1));
    expect(Number((await raw(counterKey(t.tenantId, id)))?.n_expired)).toBe(0);
  });

  it('reconcile recounts drifted counts, and brings a course that predates the counters up to date', async () => {
    const id = 'course-v1:Cnt+Recon+1';
    await create(id, { max_enrollments: 5 });
    const codes = await client.codesFor(id, 20);
    for (const [i, code] of codes.slice(0, 3).entries()) await client.enroll({ email: `r${i}@example.com`, enrollment_code: code });
    await client.status({ enrollment_code: codes[3], action: 'cancel' });
    const expected = { enrolled: 3, codes: counts(16, 3, 1, 0), max_enrollments: 5 };
    expect(await show(id)).toMatchObject(expected);

    // A course written before the counters: COUNTER without n_<status> and cap, enrollments without positions.
    await db().send(new DeleteCommand({ TableName: tableName('enrollment'), Key: counterKey(t.tenantId, id) }));
    for (const i of [0, 1, 2]) {
      await db().send(new UpdateCommand({ TableName: tableName('enrollment'), Key: enrollmentKey(t.tenantId, id, `r${i}@example.com`), UpdateExpression: 'REMOVE pos, gsi1pk, gsi1sk' }));
    }
    expect(await show(id)).toMatchObject({ enrolled: 0, codes: counts(20, 0, 0, 0) });
    expect((await enrollments(id, 1, 10)).results).toEqual([]);

    const check = await reconcileCourse(t.tenantId, id);
    expect(check).toMatchObject({ status: 'repaired', recorded: 0, counted: 3, placed: 3 });
    expect(await show(id)).toMatchObject(expected);
    expect(Number((await raw(counterKey(t.tenantId, id)))?.cap)).toBe(5);
    expect((await enrollments(id, 1, 10)).results.map((e) => e.email).sort()).toEqual(['r0@example.com', 'r1@example.com', 'r2@example.com']);
    expect(await reconcileCourse(t.tenantId, id)).toMatchObject({ status: 'ok', codes: [], placed: 0 });
  });
});

describe('GET enrollments: page N by list positions', () => {
  it('pages in enrollment order; a canceled enrollment leaves a hole that is skipped; count is the enrollments, num_pages the positions', async () => {
    const id = 'course-v1:Cnt+Pages+1';
    await create(id);
    const codes = await client.codesFor(id, 6);
    for (const [i, code] of codes.slice(0, 5).entries()) expect((await client.enroll({ email: `p${i}@example.com`, enrollment_code: code })).json).toEqual(success);
    expect((await client.status({ enrollment_code: codes[1], action: 'cancel' })).json).toEqual(success);

    const page1 = await enrollments(id, 1, 2);
    expect(page1).toMatchObject({ count: 4, num_pages: 3, previous: null });
    expect(page1.results.map((e) => e.email)).toEqual(['p0@example.com']);
    expect(page1.next).toContain('page=2');
    expect((await enrollments(id, 2, 2)).results.map((e) => e.email)).toEqual(['p2@example.com', 'p3@example.com']);
    const page3 = await enrollments(id, 3, 2);
    expect(page3).toMatchObject({ next: null });
    expect(page3.results).toEqual([{ email: 'p4@example.com', code: codes[4], enrolled_at: expect.any(String) }]);

    // Re-enrolled with another code: a new position at the end.
    expect((await client.enroll({ email: 'p1@example.com', enrollment_code: codes[5] })).json).toEqual(success);
    const all = await enrollments(id, 1, 100);
    expect(all).toMatchObject({ count: 5, num_pages: 1 });
    expect(all.results.map((e) => e.email)).toEqual(['p0@example.com', 'p2@example.com', 'p3@example.com', 'p4@example.com', 'p1@example.com']);
  });

  it('a refusal for a full course takes no position', async () => {
    const id = 'course-v1:Cnt+Full+1';
    await create(id, { max_enrollments: 1 });
    const codes = await client.codesFor(id, 4);
    expect((await client.enroll({ email: 'f0@example.com', enrollment_code: codes[0] })).json).toEqual(success);
    for (const code of codes.slice(1)) expect((await client.enroll({ email: `x${code}@example.com`, enrollment_code: code })).statusCode).toBe(400);
    expect(await enrollments(id, 1, 1)).toMatchObject({ count: 1, num_pages: 1, next: null });
  });
});

describe('lowering max_enrollments while enrolls run', () => {
  it('no enroll committed after a PUT lowers the cap exceeds it: enrolled <= max after every round', async () => {
    for (let round = 0; round < 4; round++) {
      const id = `course-v1:Cnt+Race+${round}`;
      await create(id, { max_enrollments: 12 });
      const codes = await client.codesFor(id, 24);
      const caps = [9, 7, 5, 3];
      const outcomes = await Promise.all([
        ...codes.map((code, i) => client.enroll({ email: `race${round}-${i}@example.com`, enrollment_code: code })),
        // The PUTs land among the enrolls; each is refused while more are enrolled than its cap.
        ...caps.map((max) => update(id, { max_enrollments: max })),
      ]);
      const enrolled = outcomes.slice(0, codes.length).filter((r) => r.statusCode === 200).length;
      const after = await show(id);
      expect(after.enrolled).toBe(enrolled);
      expect(await countEnrollments(t.tenantId, id)).toBe(enrolled);
      expect(enrolled).toBeLessThanOrEqual(after.max_enrollments as number);
      // The cap in force is the last PUT that was accepted (or the first cap when none was).
      const accepted = caps.filter((_, i) => outcomes[codes.length + i]!.statusCode === 200);
      if (accepted.length) expect(accepted).toContain(after.max_enrollments);
      for (const r of outcomes.slice(0, codes.length)) if (r.statusCode !== 200) expect((r.json as { reason: string }).reason).toBe('Course full.');
    }
  });
});
