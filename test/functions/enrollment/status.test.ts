/** enrollment-code-status: cancel / restore, the unenrollment they cause, exact counts. */
import { beforeAll, describe, expect, it } from 'vitest';
import { countEnrollments, getCode, getEnrolledCount, isEnrolled, putCourse } from '../../../lib/enrollment/repository';
import { createTenant } from '../../helpers/tenants';
import { api, failure, success } from './support';

let tenantId: string;
let client: ReturnType<typeof api>;

beforeAll(async () => {
  const tenant = await createTenant('status');
  tenantId = tenant.tenantId;
  client = api(tenant.bearerToken);
});

/** A fresh course (so counts start at 0) and `n` codes for it. */
async function course(name: string, n: number, maxEnrollments?: number) {
  const courseId = `course-v1:Status+${name}+1`;
  await putCourse(tenantId, { courseId, ...(maxEnrollments ? { maxEnrollments } : {}) });
  return { courseId, codes: await client.codesFor(courseId, n) };
}

async function counts(courseId: string) {
  return { counter: await getEnrolledCount(tenantId, courseId), enrollments: await countEnrollments(tenantId, courseId) };
}

describe('validation', () => {
  it.each([['delete'], ['CANCELED'], [42], [true]])('action %j: Invalid action.', async (action) => {
    const res = await client.status({ enrollment_code: 'ANYCODE1', action });
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('Invalid action.'));
  });

  it('a missing action or code names the field', async () => {
    expect((await client.status({ enrollment_code: 'ANYCODE1' })).json).toEqual(failure('action is required'));
    expect((await client.status({ action: 'cancel' })).json).toEqual(failure('enrollment_code is required'));
  });

  it('an unknown code: The enrollment code (X) was not found', async () => {
    const res = await client.status({ enrollment_code: 'NoSuch99', action: 'cancel' });
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('The enrollment code (NoSuch99) was not found'));
  });
});

describe('cancel', () => {
  it('an unused code becomes canceled and can no longer enroll; cancelling again changes nothing', async () => {
    const { courseId, codes: [code] } = await course('CancelUnused', 1);
    expect((await client.status({ enrollment_code: code, action: 'cancel' })).json).toEqual(success);
    expect((await getCode(tenantId, code!))?.status).toBe('canceled');
    expect((await client.enroll({ email: 'x@example.com', enrollment_code: code })).json).toEqual(failure('Enrollment code error.'));
    expect((await client.status({ enrollment_code: code, action: 'cancel' })).json).toEqual(success);
    expect(await counts(courseId)).toEqual({ counter: 0, enrollments: 0 });
  });

  it('a redeemed code: its user is unenrolled, the count goes down, the code is canceled', async () => {
    const { courseId, codes: [code, other] } = await course('CancelRedeemed', 2);
    await client.enroll({ email: 'keep@example.com', enrollment_code: other });
    await client.enroll({ email: 'gone@example.com', enrollment_code: code });
    expect(await counts(courseId)).toEqual({ counter: 2, enrollments: 2 });

    expect((await client.status({ enrollment_code: code, action: 'cancel' })).json).toEqual(success);
    expect(await isEnrolled(tenantId, courseId, 'gone@example.com')).toBe(false);
    expect(await isEnrolled(tenantId, courseId, 'keep@example.com')).toBe(true);
    const stored = await getCode(tenantId, code!);
    expect(stored?.status).toBe('canceled');
    expect(stored?.email).toBeUndefined();
    expect(await counts(courseId)).toEqual({ counter: 1, enrollments: 1 });

    // a second cancel has no user left to unenroll
    await client.status({ enrollment_code: code, action: 'cancel' });
    expect(await counts(courseId)).toEqual({ counter: 1, enrollments: 1 });
  });

  it('frees the seat: the unenrolled user can enroll again with another code', async () => {
    const { courseId, codes: [code, next] } = await course('Reseat', 2, 1);
    await client.enroll({ email: 'seat@example.com', enrollment_code: code });
    await client.status({ enrollment_code: code, action: 'cancel' });
    expect((await client.enroll({ email: 'seat@example.com', enrollment_code: next })).json).toEqual(success);
    expect(await counts(courseId)).toEqual({ counter: 1, enrollments: 1 });
  });
});

describe('restore', () => {
  it('a canceled code becomes active and enrolls again', async () => {
    const { codes: [code] } = await course('RestoreCanceled', 1);
    await client.status({ enrollment_code: code, action: 'cancel' });
    expect((await client.status({ enrollment_code: code, action: 'restore' })).json).toEqual(success);
    expect((await getCode(tenantId, code!))?.status).toBe('active');
    expect((await client.enroll({ email: 'back@example.com', enrollment_code: code })).json).toEqual(success);
  });

  it('an unused active code stays active', async () => {
    const { codes: [code] } = await course('RestoreActive', 1);
    expect((await client.status({ enrollment_code: code, action: 'restore' })).json).toEqual(success);
    expect((await getCode(tenantId, code!))?.status).toBe('active');
  });

  it('cancel, restore, re-enroll another email: the counts stay exact', async () => {
    const { courseId, codes: [code] } = await course('Cycle', 1, 1);
    await client.enroll({ email: 'first@example.com', enrollment_code: code });
    await client.status({ enrollment_code: code, action: 'cancel' });
    expect(await counts(courseId)).toEqual({ counter: 0, enrollments: 0 });
    await client.status({ enrollment_code: code, action: 'restore' });
    expect((await client.enroll({ email: 'second@example.com', enrollment_code: code })).json).toEqual(success);
    expect(await isEnrolled(tenantId, courseId, 'first@example.com')).toBe(false);
    expect(await getCode(tenantId, code!)).toMatchObject({ status: 'redeemed', email: 'second@example.com' });
    expect(await counts(courseId)).toEqual({ counter: 1, enrollments: 1 });
  });

  it('a redeemed code: its user is unenrolled and the code is active for someone else', async () => {
    const { courseId, codes: [code] } = await course('RestoreRedeemed', 1);
    await client.enroll({ email: 'before@example.com', enrollment_code: code });
    expect((await client.status({ enrollment_code: code, action: 'restore' })).json).toEqual(success);
    expect(await isEnrolled(tenantId, courseId, 'before@example.com')).toBe(false);
    expect(await counts(courseId)).toEqual({ counter: 0, enrollments: 0 });
    expect((await client.enroll({ email: 'after@example.com', enrollment_code: code })).json).toEqual(success);
    expect(await counts(courseId)).toEqual({ counter: 1, enrollments: 1 });
  });
});

describe('form bodies', () => {
  it('accepts enrollment_code and action form-urlencoded', async () => {
    const { codes: [code] } = await course('Form', 1);
    const res = await client.status(`enrollment_code=${code}&action=cancel`, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.json).toEqual(success);
    expect((await getCode(tenantId, code!))?.status).toBe('canceled');
  });
});

describe('concurrency', () => {
  it('status changes racing enrolls on the same codes keep the counter equal to the enrollments', async () => {
    const { courseId, codes } = await course('Storm', 3, 2);
    const requests = codes.flatMap((code, c) =>
      Array.from({ length: 8 }, (_, i) =>
        i % 3 === 0
          ? client.status({ enrollment_code: code, action: i % 2 === 0 ? 'cancel' : 'restore' })
          : client.enroll({ email: `storm${c}-${i}@example.com`, enrollment_code: code }),
      ),
    );
    const results = await Promise.all(requests);
    for (const res of results) expect([200, 400]).toContain(res.statusCode);

    const { counter, enrollments } = await counts(courseId);
    expect(counter).toBe(enrollments);
    expect(counter).toBeLessThanOrEqual(2);
    // every redeemed code holds exactly one enrollment, and nothing else does
    const redeemed = (await Promise.all(codes.map((code) => getCode(tenantId, code)))).filter((c) => c?.status === 'redeemed');
    expect(redeemed).toHaveLength(enrollments);
    for (const code of redeemed) expect(await isEnrolled(tenantId, courseId, code!.email!)).toBe(true);
  });
});
