/**
 * The seed document's examples (shared/seeds/enrollment-codes.md), sent verbatim against the
 * demo data. The only enrollment test file that touches tenants `demo` and `other`; its tests
 * run in order and build on each other. The vitest global setup loads the demo data.
 */
import { describe, expect, it } from 'vitest';
import { codeAlphabet } from '../../../lib/enrollment/code-generator';
import { demoCourseId } from '../../../lib/enrollment/demo';
import { getCode, getEnrolledCount, isEnrolled } from '../../../lib/enrollment/repository';
import { call } from '../../helpers/http';
import { api, failure, handlers, paths, success } from './support';

const demoToken = 'cbf6a5de322cf6a4323c957a882xy1s321c954b86';
const seedHeaders = {
  Host: 'example.com',
  'Content-Type': 'application/json',
  Authorization: `Bearer ${demoToken}`,
  'Cache-Control': 'no-cache',
};

function seedCall(name: 'generate' | 'enroll' | 'status', body: string) {
  return call(handlers[name], { method: 'POST', path: paths[name], headers: seedHeaders, body });
}

describe('seed examples, verbatim', () => {
  it('generate-codes: 20 new codes for the demo course', async () => {
    const res = await seedCall(
      'generate',
      '{\n    "course_id": "course-v1:edX+DemoX+Demo_Course",\n    "total_registration_codes": "20"\n}',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const body = res.json as { course_id: string; codes: string[]; course_url: string };
    expect(Object.keys(body)).toEqual(['course_id', 'codes', 'course_url']);
    expect(body.course_id).toBe('course-v1:edX+DemoX+Demo_Course');
    expect(body.course_url).toBe('/courses/course-v1:edX+DemoX+Demo_Course/about');
    expect(body.codes).toHaveLength(20);
    expect(new Set(body.codes).size).toBe(20);
    for (const code of body.codes) {
      expect(code).toHaveLength(8);
      expect([...code].every((c) => codeAlphabet.includes(c))).toBe(true);
      expect(body.codes).not.toContain('V5QBQMN6');
    }
  });

  it('enroll-user-with-code: staff@example.com with V5QBQMN6', async () => {
    const res = await seedCall('enroll', '{\n    "email": "staff@example.com",\n    "enrollment_code": "V5QBQMN6"\n}');
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual(success);
    expect(await isEnrolled('demo', demoCourseId, 'staff@example.com')).toBe(true);
    expect(await getCode('demo', 'V5QBQMN6')).toMatchObject({ status: 'redeemed', email: 'staff@example.com' });
    expect(await getEnrolledCount('demo', demoCourseId)).toBe(1);
  });

  it('enrollment-code-status: restore V5QBQMN6 unenrolls staff and reactivates the code', async () => {
    const res = await seedCall('status', '{\n    "enrollment_code": "V5QBQMN6",\n    "action": "restore"\n}');
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual(success);
    expect(await isEnrolled('demo', demoCourseId, 'staff@example.com')).toBe(false);
    const code = await getCode('demo', 'V5QBQMN6');
    expect(code?.status).toBe('active');
    expect(code?.email).toBeUndefined();
    expect(await getEnrolledCount('demo', demoCourseId)).toBe(0);
  });

  it('enrollment-code-status: cancel 1Ls34dQa', async () => {
    const res = await seedCall('status', '{\n    "enrollment_code": "1Ls34dQa",\n    "action": "cancel"\n}');
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual(success);
    expect((await getCode('demo', '1Ls34dQa'))?.status).toBe('canceled');
  });

  it('a canceled code cannot enroll: Enrollment code error.', async () => {
    const res = await seedCall('enroll', '{"email": "staff@example.com", "enrollment_code": "1Ls34dQa"}');
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('Enrollment code error.'));
  });

  it('codes are exact strings: 1LS34DQA is not 1Ls34dQa', async () => {
    const res = await seedCall('status', '{"enrollment_code": "1LS34DQA", "action": "restore"}');
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('The enrollment code (1LS34DQA) was not found'));
  });

  it('the restored V5QBQMN6 enrolls someone else', async () => {
    const res = await seedCall('enroll', '{"email": "Learner@Example.com", "enrollment_code": "V5QBQMN6"}');
    expect(res.json).toEqual(success);
    expect(await isEnrolled('demo', demoCourseId, 'learner@example.com')).toBe(true);
  });
});

describe('seed authentication errors', () => {
  it('no Authorization header: credentials not provided', async () => {
    const headers: Record<string, string> = { ...seedHeaders };
    delete headers.Authorization;
    const res = await call(handlers.enroll, { method: 'POST', path: paths.enroll, headers, body: '{}' });
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('an unknown token: Invalid Token.', async () => {
    const res = await call(handlers.generate, {
      method: 'POST',
      path: paths.generate,
      headers: { ...seedHeaders, Authorization: 'Bearer not-a-token' },
      body: '{"course_id": "course-v1:edX+DemoX+Demo_Course", "total_registration_codes": "1"}',
    });
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ detail: 'Invalid Token.' });
  });
});

describe('the other demo courses', () => {
  const demo = api(demoToken);

  it('course-v1:edX+Closed+2020 is closed', async () => {
    const [code] = await demo.codesFor('course-v1:edX+Closed+2020', 1);
    const res = await demo.enroll({ email: 'staff@example.com', enrollment_code: code });
    expect(res.json).toEqual(failure('Enrollment closed.'));
  });

  it('course-v1:edX+Tiny+2026 takes one learner', async () => {
    const [first, second] = await demo.codesFor('course-v1:edX+Tiny+2026', 2);
    expect((await demo.enroll({ email: 'one@example.com', enrollment_code: first })).json).toEqual(success);
    expect((await demo.enroll({ email: 'two@example.com', enrollment_code: second })).json).toEqual(failure('Course full.'));
  });
});

describe('tenant other', () => {
  const other = api('other-bearer-token');

  it('has its own demo course, whose listing holds none of demo\'s codes', async () => {
    const res = await other.codes({ course_id: demoCourseId });
    expect(res.statusCode).toBe(200);
    expect((res.json as { count: number }).count).toBe(0);
  });

  it('cannot redeem or change demo\'s codes: they do not exist for it', async () => {
    expect((await other.enroll({ email: 'x@example.com', enrollment_code: 'V5QBQMN6' })).json).toEqual(
      failure('Enrollment code error.'),
    );
    expect((await other.status({ enrollment_code: 'V5QBQMN6', action: 'cancel' })).json).toEqual(
      failure('The enrollment code (V5QBQMN6) was not found'),
    );
    expect((await getCode('demo', 'V5QBQMN6'))?.status).toBe('redeemed');
  });

  it('generates codes for its own course', async () => {
    const codes = await other.codesFor(demoCourseId, 3);
    const listed = await other.codes({ course_id: demoCourseId });
    expect((listed.json as { results: { code: string }[] }).results.map((r) => r.code).sort()).toEqual([...codes].sort());
  });
});
