/** Bearer authentication on every endpoint, and one tenant never reaching another's codes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { getCode, putCourse } from '../../../lib/enrollment/repository';
import { call } from '../../helpers/http';
import { createTenant } from '../../helpers/tenants';
import { api, failure, handlers, paths } from './support';

const shared = 'course-v1:Tenancy+Shared+1';
const onlyA = 'course-v1:Tenancy+OnlyA+1';
let tenantA: string;
let a: ReturnType<typeof api>;
let b: ReturnType<typeof api>;
let codesA: string[];

beforeAll(async () => {
  const [ta, tb] = await Promise.all([createTenant('tenancy-a'), createTenant('tenancy-b')]);
  tenantA = ta.tenantId;
  a = api(ta.bearerToken);
  b = api(tb.bearerToken);
  await Promise.all([putCourse(ta.tenantId, { courseId: shared }), putCourse(ta.tenantId, { courseId: onlyA }), putCourse(tb.tenantId, { courseId: shared })]);
  codesA = await a.codesFor(shared, 3);
});

describe('authentication (seed: Credentials not provided / Invalid Token)', () => {
  const endpoints = [
    ['generate', 'POST'],
    ['enroll', 'POST'],
    ['status', 'POST'],
    ['codes', 'GET'],
  ] as const;

  it.each(endpoints)('%s without Authorization: 401 credentials not provided', async (name, method) => {
    const res = await call(handlers[name], { method, path: paths[name], body: method === 'POST' ? {} : undefined });
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it.each(endpoints)('%s with an unknown bearer token: 401 Invalid Token.', async (name, method) => {
    const res = await call(handlers[name], {
      method,
      path: paths[name],
      headers: { Authorization: 'Bearer no-such-token' },
      body: method === 'POST' ? {} : undefined,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ detail: 'Invalid Token.' });
  });

  it('a token of another scheme is no bearer credential', async () => {
    const res = await call(handlers.codes, { path: `${paths.codes}?course_id=x`, headers: { Authorization: 'Token abc' } });
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ detail: 'Authentication credentials were not provided.' });
  });
});

describe("tenant B and tenant A's codes", () => {
  it("B's course of the same id lists none of A's codes", async () => {
    const res = await b.codes({ course_id: shared });
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ count: 0, results: [] });
    const mine = await a.codes({ course_id: shared });
    expect((mine.json as { count: number }).count).toBe(3);
  });

  it("a course only A has does not exist for B", async () => {
    expect((await b.codes({ course_id: onlyA })).json).toEqual(failure('Course not found.'));
    expect((await b.generate({ course_id: onlyA, total_registration_codes: 1 })).json).toEqual(failure('Course not found.'));
  });

  it("B cannot redeem A's code", async () => {
    const res = await b.enroll({ email: 'intruder@example.com', enrollment_code: codesA[0] });
    expect(res.json).toEqual(failure('Enrollment code error.'));
    expect((await getCode(tenantA, codesA[0]!))?.status).toBe('active');
  });

  it("B cannot cancel or restore A's code: not found", async () => {
    for (const action of ['cancel', 'restore']) {
      const res = await b.status({ enrollment_code: codesA[1], action });
      expect(res.json).toEqual(failure(`The enrollment code (${codesA[1]}) was not found`));
    }
    expect((await getCode(tenantA, codesA[1]!))?.status).toBe('active');
  });
});
