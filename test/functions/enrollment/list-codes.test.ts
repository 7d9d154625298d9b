/** GET codes: DRF-style pagination, the fields of each code, validation. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodePage, CodeRecord } from '../../../lib/enrollment/model';
import { insertCodes, putCourse } from '../../../lib/enrollment/repository';
import { createTenant } from '../../helpers/tenants';
import { api, failure } from './support';

const courseId = 'course-v1:List+Codes+1';
const encodedCourse = encodeURIComponent(courseId);
let client: ReturnType<typeof api>;
let tenantId: string;

type Page = CodePage;

/** 30 codes created one minute apart, so their order is known: L0000000 oldest. */
const codes: CodeRecord[] = Array.from({ length: 30 }, (_, i) => ({
  code: `L${String(i).padStart(7, '0')}`,
  courseId,
  status: 'active',
  createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
}));

async function list(query: Record<string, string>, headers: Record<string, string> = { Host: 'example.com' }) {
  const res = await client.codes(query, headers);
  return { res, page: res.json as Page };
}

beforeAll(async () => {
  const tenant = await createTenant('list');
  tenantId = tenant.tenantId;
  client = api(tenant.bearerToken);
  await putCourse(tenantId, { courseId });
  expect(await insertCodes(tenantId, codes)).toEqual([]);
});

describe('pagination', () => {
  it('page 1 by default: 25 codes, oldest first, with a link to page 2', async () => {
    const { res, page } = await list({ course_id: courseId });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(page)).toEqual(['count', 'num_pages', 'current_page', 'start', 'next', 'previous', 'results']);
    expect(page).toMatchObject({ count: 30, num_pages: 2, current_page: 1, start: 0, previous: null });
    expect(page.next).toBe(`https://example.com/api/enrollment/v1/codes?course_id=${encodedCourse}&page=2&per_page=25`);
    expect(page.results.map((r) => r.code)).toEqual(codes.slice(0, 25).map((c) => c.code));
  });

  it('the last page holds the rest and links back', async () => {
    const { page } = await list({ course_id: courseId, page: '2' });
    expect(page).toMatchObject({ count: 30, num_pages: 2, current_page: 2, start: 25, next: null });
    expect(page.previous).toBe(`https://example.com/api/enrollment/v1/codes?course_id=${encodedCourse}&page=1&per_page=25`);
    expect(page.results.map((r) => r.code)).toEqual(codes.slice(25).map((c) => c.code));
  });

  it('per_page picks the page size', async () => {
    const { page } = await list({ course_id: courseId, page: '3', per_page: '7' });
    expect(page).toMatchObject({ count: 30, num_pages: 5, current_page: 3, start: 14 });
    expect(page.results.map((r) => r.code)).toEqual(codes.slice(14, 21).map((c) => c.code));
  });

  it('per_page above 100 is clamped to 100', async () => {
    const { page } = await list({ course_id: courseId, per_page: '1000' });
    expect(page).toMatchObject({ count: 30, num_pages: 1, next: null });
    expect(page.results).toHaveLength(30);
    expect((await list({ course_id: courseId, per_page: '1000', page: '2' })).page.previous).toContain('per_page=100');
  });

  it('a page past the end is empty', async () => {
    const { res, page } = await list({ course_id: courseId, page: '9' });
    expect(res.statusCode).toBe(200);
    expect(page).toMatchObject({ count: 30, num_pages: 2, current_page: 9, next: null, results: [] });
  });

  it('a course without codes: count 0, one empty page', async () => {
    const empty = 'course-v1:List+Empty+1';
    await putCourse(tenantId, { courseId: empty });
    const { page } = await list({ course_id: empty });
    expect(page).toEqual({ count: 0, num_pages: 1, current_page: 1, start: 0, next: null, previous: null, results: [] });
  });

  it('links follow X-Forwarded-Proto, and are relative without a Host', async () => {
    const http = await list({ course_id: courseId }, { Host: 'api.example.org', 'X-Forwarded-Proto': 'http' });
    expect(http.page.next).toMatch(/^http:\/\/api\.example\.org\/api\/enrollment\/v1\/codes\?/);
    const local = await list({ course_id: courseId }, { Host: 'localhost:3000' });
    expect(local.page.next).toMatch(/^http:\/\/localhost:3000\/api\/enrollment\/v1\/codes\?/);
    const bare = await list({ course_id: courseId }, {});
    expect(bare.page.next).toBe(`/api/enrollment/v1/codes?course_id=${encodedCourse}&page=2&per_page=25`);
  });
});

describe('each code', () => {
  it('shows code, status, email, created_at, redeemed_at, expires_at', async () => {
    const course = 'course-v1:List+Fields+1';
    await putCourse(tenantId, { courseId: course });
    const created = await client.generate({ course_id: course, total_registration_codes: 3, expiration_date: '2999-01-01' });
    const [used, canceled, unused] = (created.json as { codes: string[] }).codes as [string, string, string];
    await client.enroll({ email: 'User@Example.com', enrollment_code: used });
    await client.status({ enrollment_code: canceled, action: 'cancel' });

    const { page } = await list({ course_id: course });
    const byCode = new Map(page.results.map((r) => [r.code, r]));
    const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(byCode.get(used)).toEqual({
      code: used, status: 'redeemed', email: 'user@example.com', created_at: iso, redeemed_at: iso, expires_at: '2999-01-01T23:59:59.999Z',
    });
    expect(byCode.get(canceled)).toMatchObject({ status: 'canceled', email: null, redeemed_at: null });
    expect(byCode.get(unused)).toMatchObject({ status: 'active', email: null, redeemed_at: null });
  });

  it('an active code past its expiry is listed as expired', async () => {
    const course = 'course-v1:List+Expired+1';
    await putCourse(tenantId, { courseId: course });
    await insertCodes(tenantId, [{ code: 'LXPRD001', courseId: course, status: 'active', createdAt: '2020-01-01T00:00:00.000Z', expiresAt: '2020-02-01T00:00:00.000Z' }]);
    const { page } = await list({ course_id: course });
    expect(page.results).toEqual([
      { code: 'LXPRD001', status: 'expired', email: null, created_at: '2020-01-01T00:00:00.000Z', redeemed_at: null, expires_at: '2020-02-01T00:00:00.000Z' },
    ]);
  });

  it('answers XML with a <response> root and one <result> per code', async () => {
    const res = await client.codes({ course_id: courseId, per_page: '2' }, { Accept: 'application/xml' });
    expect(res.headers['Content-Type']).toBe('application/xml; charset=utf-8');
    expect(res.body).toMatch(/<response>\s*<count>30<\/count>[\s\S]*<results>\s*<result>\s*<code>L0000000<\/code>/);
    expect(res.body).toContain('<email/>');
  });
});

describe('validation', () => {
  it.each([
    ['course_id missing', {}, 'course_id is required'],
    ['an unknown course', { course_id: 'course-v1:No+Such+1' }, 'Course not found.'],
    ['page 0', { course_id: courseId, page: '0' }, 'page must be a whole number from 1 to 1000000'],
    ['page abc', { course_id: courseId, page: 'abc' }, 'page must be a whole number from 1 to 1000000'],
    ['per_page 0', { course_id: courseId, per_page: '0' }, expect.stringMatching(/^per_page must be a whole number from 1/)],
  ])('%s: 400', async (_name, query, reason) => {
    const res = await client.codes(query as Record<string, string>);
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure(reason as string));
  });
});
