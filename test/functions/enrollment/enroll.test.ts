/** enroll-user-with-code: success, every reason in the SPEC's order, validation, concurrency. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  countEnrollments,
  getCode,
  getEnrolledCount,
  insertCodes,
  isEnrolled,
  putCourse,
} from '../../../lib/enrollment/repository';
import type { CodeStatus } from '../../../lib/enrollment/model';
import { createTenant } from '../../helpers/tenants';
import { api, failure, success } from './support';

const open = 'course-v1:Test+Open+1';
const closed = 'course-v1:Test+Closed+2020';
const future = 'course-v1:Test+Future+2999';
const tiny = 'course-v1:Test+Tiny+1';
const dayMs = 86_400_000;

let tenantId: string;
let client: ReturnType<typeof api>;

/** A code put straight into the table, for states the API cannot produce on demand. */
async function storedCode(courseId: string, code: string, status: CodeStatus, extra: { expiresAt?: string; email?: string } = {}) {
  const collided = await insertCodes(tenantId, [{ code, courseId, status, createdAt: new Date().toISOString(), ...extra }]);
  expect(collided).toEqual([]);
  return code;
}

beforeAll(async () => {
  const tenant = await createTenant('enroll');
  tenantId = tenant.tenantId;
  client = api(tenant.bearerToken);
  await Promise.all([
    putCourse(tenantId, { courseId: open }),
    putCourse(tenantId, { courseId: closed, enrollmentStart: '2020-01-01', enrollmentEnd: '2020-12-31T23:59:59Z' }),
    putCourse(tenantId, { courseId: future, enrollmentStart: new Date(Date.now() + 365 * dayMs).toISOString() }),
    putCourse(tenantId, { courseId: tiny, maxEnrollments: 1 }),
  ]);
});

describe('a successful enroll', () => {
  it('redeems the code for the lower-cased email, creates the enrollment and counts it', async () => {
    const courseId = 'course-v1:Test+Success+1';
    await putCourse(tenantId, { courseId });
    const [code] = await client.codesFor(courseId, 1);
    const before = Date.now();
    const res = await client.enroll({ email: '  Mixed.Case@Example.COM ', enrollment_code: code });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual(success);
    const stored = await getCode(tenantId, code!);
    expect(stored).toMatchObject({ status: 'redeemed', email: 'mixed.case@example.com' });
    expect(Date.parse(stored!.redeemedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(await isEnrolled(tenantId, courseId, 'mixed.case@example.com')).toBe(true);
    expect(await getEnrolledCount(tenantId, courseId)).toBe(1);
  });

  it('accepts a form-urlencoded body', async () => {
    const [code] = await client.codesFor(open, 1);
    const res = await client.enroll(`email=form%40example.com&enrollment_code=${code}`, {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(res.json).toEqual(success);
    expect(await isEnrolled(tenantId, open, 'form@example.com')).toBe(true);
  });
});

describe('each reason on its own', () => {
  it('an unknown code: Enrollment code error.', async () => {
    const res = await client.enroll({ email: 'a@example.com', enrollment_code: 'ZZZZZZZZ' });
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('Enrollment code error.'));
  });

  it('a canceled, a redeemed or an expired code: Enrollment code error.', async () => {
    const canceled = await storedCode(open, 'CNCLD001', 'canceled');
    const redeemed = await storedCode(open, 'RDMD0001', 'redeemed', { email: 'someone@example.com' });
    const expired = await storedCode(open, 'XPRD0001', 'expired');
    for (const code of [canceled, redeemed, expired]) {
      const res = await client.enroll({ email: 'b@example.com', enrollment_code: code });
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual(failure('Enrollment code error.'));
    }
    expect(await isEnrolled(tenantId, open, 'b@example.com')).toBe(false);
  });

  it('an active code past its expiry is already expired: Enrollment code error.', async () => {
    const code = await storedCode(open, 'PSTXP001', 'active', { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const res = await client.enroll({ email: 'c@example.com', enrollment_code: code });
    expect(res.json).toEqual(failure('Enrollment code error.'));
    expect((await getCode(tenantId, code))?.status).toBe('active');
  });

  it('a code that expires later still works', async () => {
    const code = await storedCode(open, 'FTRXP001', 'active', { expiresAt: new Date(Date.now() + dayMs).toISOString() });
    expect((await client.enroll({ email: 'd@example.com', enrollment_code: code })).json).toEqual(success);
  });

  it('a window that ended or has not started: Enrollment closed.', async () => {
    const [ended] = await client.codesFor(closed, 1);
    const [notYet] = await client.codesFor(future, 1);
    for (const code of [ended, notYet]) {
      const res = await client.enroll({ email: 'e@example.com', enrollment_code: code });
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual(failure('Enrollment closed.'));
      expect((await getCode(tenantId, code!))?.status).toBe('active');
    }
  });

  it('an email already enrolled, whatever its case: Already enrolled.', async () => {
    const [first, second] = await client.codesFor(open, 2);
    expect((await client.enroll({ email: 'twice@example.com', enrollment_code: first })).json).toEqual(success);
    const res = await client.enroll({ email: 'TWICE@example.com', enrollment_code: second });
    expect(res.json).toEqual(failure('Already enrolled.'));
    expect((await getCode(tenantId, second!))?.status).toBe('active'); // nothing written
  });

  it('a course at max_enrollments: Course full.', async () => {
    const [first, second] = await client.codesFor(tiny, 2);
    expect((await client.enroll({ email: 'first@example.com', enrollment_code: first })).json).toEqual(success);
    const res = await client.enroll({ email: 'second@example.com', enrollment_code: second });
    expect(res.json).toEqual(failure('Course full.'));
    expect((await getCode(tenantId, second!))?.status).toBe('active');
    expect(await getEnrolledCount(tenantId, tiny)).toBe(1);
  });
});

describe('reasons in the SPEC order when several apply', () => {
  it('a redeemed or expired code on a closed course: the code error comes first', async () => {
    const redeemed = await storedCode(closed, 'RDMDCL01', 'redeemed', { email: 'old@example.com' });
    const expired = await storedCode(closed, 'XPRDCL01', 'active', { expiresAt: '2020-06-01T00:00:00.000Z' });
    for (const code of [redeemed, expired]) {
      expect((await client.enroll({ email: 'f@example.com', enrollment_code: code })).json).toEqual(
        failure('Enrollment code error.'),
      );
    }
  });

  it('an enrolled email on a course that has since closed: Enrollment closed. before Already enrolled.', async () => {
    const courseId = 'course-v1:Test+ClosesLater+1';
    await putCourse(tenantId, { courseId });
    const [first, second] = await client.codesFor(courseId, 2);
    expect((await client.enroll({ email: 'g@example.com', enrollment_code: first })).json).toEqual(success);
    await putCourse(tenantId, { courseId, enrollmentEnd: '2021-01-01' });
    expect((await client.enroll({ email: 'g@example.com', enrollment_code: second })).json).toEqual(
      failure('Enrollment closed.'),
    );
  });

  it('an enrolled email on a full course: Already enrolled. before Course full.', async () => {
    const courseId = 'course-v1:Test+FullAgain+1';
    await putCourse(tenantId, { courseId, maxEnrollments: 1 });
    const [first, second] = await client.codesFor(courseId, 2);
    expect((await client.enroll({ email: 'h@example.com', enrollment_code: first })).json).toEqual(success);
    expect((await client.enroll({ email: 'h@example.com', enrollment_code: second })).json).toEqual(
      failure('Already enrolled.'),
    );
  });
});

describe('field validation', () => {
  it.each([
    ['email missing', { enrollment_code: 'V5QBQMN6' }, 'email is required'],
    ['email not an address', { email: 'not-an-email', enrollment_code: 'V5QBQMN6' }, 'email must be a valid email address'],
    ['email not a string', { email: 42, enrollment_code: 'V5QBQMN6' }, /^email /],
    ['enrollment_code missing', { email: 'a@example.com' }, 'enrollment_code is required'],
    ['enrollment_code empty', { email: 'a@example.com', enrollment_code: ' ' }, 'enrollment_code is required'],
  ])('%s: 400 naming the field', async (_name, body, reason) => {
    const res = await client.enroll(body);
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ success: 'false', reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) });
  });
});

describe('concurrency', () => {
  it('20 concurrent enrolls with one code: exactly one succeeds', async () => {
    const courseId = 'course-v1:Test+Race+1';
    await putCourse(tenantId, { courseId });
    const [code] = await client.codesFor(courseId, 1);
    const emails = Array.from({ length: 20 }, (_, i) => `racer${i}@example.com`);
    const results = await Promise.all(emails.map((email) => client.enroll({ email, enrollment_code: code })));
    const winners = results.flatMap((res, i) => (res.statusCode === 200 ? [emails[i]!] : []));
    expect(winners).toHaveLength(1);
    for (const res of results.filter((r) => r.statusCode !== 200)) expect(res.json).toEqual(failure('Enrollment code error.'));
    expect(await getCode(tenantId, code!)).toMatchObject({ status: 'redeemed', email: winners[0] });
    expect(await getEnrolledCount(tenantId, courseId)).toBe(1);
    expect(await countEnrollments(tenantId, courseId)).toBe(1);
  });

  it('20 users with their own codes into a course of 5: exactly 5 succeed and the counter says 5', async () => {
    const courseId = 'course-v1:Test+Five+1';
    await putCourse(tenantId, { courseId, maxEnrollments: 5 });
    const codes = await client.codesFor(courseId, 20);
    const results = await Promise.all(codes.map((code, i) => client.enroll({ email: `user${i}@example.com`, enrollment_code: code })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(5);
    for (const res of results.filter((r) => r.statusCode !== 200)) expect(res.json).toEqual(failure('Course full.'));
    expect(await getEnrolledCount(tenantId, courseId)).toBe(5);
    expect(await countEnrollments(tenantId, courseId)).toBe(5);
  });
});
