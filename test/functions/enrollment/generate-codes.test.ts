/** generate-codes: validation, expiration_date, concurrency, 10,000 codes in one request. */
import { beforeAll, describe, expect, it } from 'vitest';
import { codeAlphabet } from '../../../lib/enrollment/code-generator';
import { getCode, putCourse, queryCourseCodes } from '../../../lib/enrollment/repository';
import { createTenant } from '../../helpers/tenants';
import { api, failure } from './support';

const courseId = 'course-v1:Gen+Codes+1';
let tenantId: string;
let client: ReturnType<typeof api>;

beforeAll(async () => {
  const tenant = await createTenant('generate');
  tenantId = tenant.tenantId;
  client = api(tenant.bearerToken);
  await putCourse(tenantId, { courseId });
});

const isCode = (code: string) => code.length === 8 && [...code].every((c) => codeAlphabet.includes(c));

describe('a valid request', () => {
  it.each([[3], ['3'], [' 3 ']])('total_registration_codes %j gives that many new active codes', async (total) => {
    const res = await client.generate({ course_id: courseId, total_registration_codes: total });
    expect(res.statusCode).toBe(200);
    const body = res.json as { course_id: string; codes: string[]; course_url: string };
    expect(body).toEqual({ course_id: courseId, codes: expect.any(Array), course_url: `/courses/${courseId}/about` });
    expect(body.codes).toHaveLength(3);
    expect(body.codes.every(isCode)).toBe(true);
    for (const code of body.codes) expect(await getCode(tenantId, code)).toMatchObject({ code, courseId, status: 'active' });
  });

  it('accepts a form-urlencoded body', async () => {
    const res = await client.generate(`course_id=${encodeURIComponent(courseId)}&total_registration_codes=2`, {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(res.statusCode).toBe(200);
    expect((res.json as { codes: string[] }).codes).toHaveLength(2);
  });

  it('answers XML when asked', async () => {
    const res = await client.generate({ course_id: courseId, total_registration_codes: 1 }, { Accept: 'application/xml' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<response>\s*<course_id>course-v1:Gen\+Codes\+1<\/course_id>\s*<codes>\s*<code>\w{8}<\/code>/);
  });
});

describe('expiration_date', () => {
  it('a date: the codes expire at the end of that day, UTC', async () => {
    const res = await client.generate({ course_id: courseId, total_registration_codes: 1, expiration_date: '2999-03-04' });
    const [code] = (res.json as { codes: string[] }).codes;
    expect((await getCode(tenantId, code!))?.expiresAt).toBe('2999-03-04T23:59:59.999Z');
  });

  it('a datetime with an offset is stored in UTC', async () => {
    const res = await client.generate({ course_id: courseId, total_registration_codes: 1, expiration_date: '2999-03-04T10:00:00+02:00' });
    const [code] = (res.json as { codes: string[] }).codes;
    expect((await getCode(tenantId, code!))?.expiresAt).toBe('2999-03-04T08:00:00.000Z');
  });

  it.each([['next week'], ['2999-02-30'], ['04/03/2999']])('%j: 400 naming expiration_date', async (expiration_date) => {
    const res = await client.generate({ course_id: courseId, total_registration_codes: 1, expiration_date });
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('expiration_date must be an ISO 8601 date (YYYY-MM-DD) or datetime'));
  });

  it('in the past: 400, nothing generated', async () => {
    const res = await client.generate({ course_id: courseId, total_registration_codes: 1, expiration_date: '2001-01-01' });
    expect(res.json).toEqual(failure('expiration_date must be in the future'));
  });
});

describe('validation', () => {
  const range = 'total_registration_codes must be a whole number from 1 to 10000';
  it.each([
    ['course_id missing', { total_registration_codes: 1 }, 'course_id is required'],
    ['total_registration_codes missing', { course_id: courseId }, 'total_registration_codes is required'],
    ['total_registration_codes 0', { course_id: courseId, total_registration_codes: 0 }, range],
    ['total_registration_codes 10001', { course_id: courseId, total_registration_codes: 10001 }, range],
    ['total_registration_codes "10001"', { course_id: courseId, total_registration_codes: '10001' }, range],
    ['total_registration_codes "abc"', { course_id: courseId, total_registration_codes: 'abc' }, range],
    ['total_registration_codes 2.5', { course_id: courseId, total_registration_codes: 2.5 }, range],
    ['total_registration_codes "-1"', { course_id: courseId, total_registration_codes: '-1' }, range],
    ['an unknown course', { course_id: 'course-v1:No+Such+Course', total_registration_codes: 1 }, 'Course not found.'],
  ])('%s: 400', async (_name, body, reason) => {
    const res = await client.generate(body);
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure(reason));
  });
});

describe('uniqueness', () => {
  it('concurrent requests never hand out the same code', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => client.generate({ course_id: courseId, total_registration_codes: 200 })),
    );
    const codes = results.flatMap((res) => (res.json as { codes: string[] }).codes);
    expect(codes).toHaveLength(1000);
    expect(new Set(codes).size).toBe(1000);
  });

  // Slow on DynamoDB Local (a few seconds to tens on a busy machine), hence its own timeout.
  it('10,000 codes in one request: all returned, distinct and stored', { timeout: 180_000 }, async () => {
    const bigCourse = 'course-v1:Gen+Big+1';
    await putCourse(tenantId, { courseId: bigCourse });
    const res = await client.generate({ course_id: bigCourse, total_registration_codes: 10000 });
    expect(res.statusCode).toBe(200);
    const codes = (res.json as { codes: string[] }).codes;
    expect(codes).toHaveLength(10000);
    expect(new Set(codes).size).toBe(10000);
    expect(codes.every(isCode)).toBe(true);
    const stored = await queryCourseCodes(tenantId, bigCourse, 0, 10000);
    expect(stored.count).toBe(10000);
    expect(new Set(stored.codes.map((c) => c.code))).toEqual(new Set(codes));
  });
});
