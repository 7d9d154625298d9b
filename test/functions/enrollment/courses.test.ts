/**
 * Enrollment reference data over HTTP: courses (create, show with counts, update, list),
 * enrollments list, codes.csv; validation, uniqueness, the cap rule, tenancy, course ids in the
 * path raw and percent-encoded, XML and JSON.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as createCourse } from '../../../functions/enrollment/create-course';
import { handler as exportCodes } from '../../../functions/enrollment/export-codes';
import { handler as listCourses } from '../../../functions/enrollment/list-courses';
import { handler as listEnrollments } from '../../../functions/enrollment/list-enrollments';
import { handler as showCourse } from '../../../functions/enrollment/show-course';
import { handler as updateCourse } from '../../../functions/enrollment/update-course';
import { call } from '../../helpers/http';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { api, failure } from './support';

let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant('ecourse-a'), createTenant('ecourse-b')]);
});

const auth = (t: TestTenant) => ({ Authorization: `Bearer ${t.bearerToken}`, host: 'api.example.com' });
const route = '/api/enrollment/v1/courses/{course_id}';
const create = (t: TestTenant, body: Record<string, unknown> | string, headers: Record<string, string> = {}) =>
  call(createCourse, { method: 'POST', path: '/api/enrollment/v1/courses', headers: { ...auth(t), ...headers }, body });
const show = (t: TestTenant, id: string, suffix = '') => call(showCourse, { path: `/api/enrollment/v1/courses/${id}${suffix}`, route, headers: auth(t) });
const update = (t: TestTenant, id: string, body: Record<string, unknown>) =>
  call(updateCourse, { method: 'PUT', path: `/api/enrollment/v1/courses/${id}`, route, headers: auth(t), body });
const get = (fn: typeof listCourses, t: TestTenant, path: string) => call(fn, { path, headers: auth(t) });

describe('POST /api/enrollment/v1/courses', () => {
  it('answers 201 with the course; the window is stored as instants', async () => {
    const res = await create(a, { course_id: 'course-v1:Org+New+2026', enrollment_start: '2026-01-01', enrollment_end: '2026-12-31T23:59:59Z', max_enrollments: '5' });
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({
      course_id: 'course-v1:Org+New+2026',
      enrollment_start: '2026-01-01T00:00:00.000Z',
      enrollment_end: '2026-12-31T23:59:59.000Z',
      max_enrollments: 5,
    });
  });

  it('refuses a course id the tenant already has (nothing changed); another tenant may use it', async () => {
    expect((await create(a, { course_id: 'course-v1:Org+Dup+1' })).statusCode).toBe(201);
    const res = await create(a, { course_id: 'course-v1:Org+Dup+1', max_enrollments: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('Course already exists.'));
    expect((await show(a, 'course-v1:Org+Dup+1')).json).toMatchObject({ max_enrollments: null });
    expect((await create(b, { course_id: 'course-v1:Org+Dup+1' })).statusCode).toBe(201);
  });

  it('validates the fields (400 naming the field); a form body works too', async () => {
    for (const [body, reason] of [
      [{}, 'course_id is required'],
      [{ course_id: 'DemoX' }, 'course_id must look like course-v1:Org+Code+Run'],
      [{ course_id: 'course-v1:O+C+R', enrollment_start: 'soon' }, 'enrollment_start must be an ISO 8601 date (YYYY-MM-DD) or datetime'],
      [{ course_id: 'course-v1:O+C+R', max_enrollments: -1 }, 'max_enrollments must be a whole number from 0 to 1000000000'],
      [{ course_id: 'course-v1:O+C+R', enrollment_start: '2026-02-01', enrollment_end: '2026-01-01' }, 'enrollment_end must not be before enrollment_start'],
    ] as const) {
      const res = await create(a, body);
      expect(res.statusCode).toBe(400);
      expect(res.json).toEqual(failure(reason));
    }
    const form = await create(a, 'course_id=course-v1%3AOrg%2BForm%2B1&max_enrollments=3', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(201);
    expect(form.json).toMatchObject({ course_id: 'course-v1:Org+Form+1', max_enrollments: 3 });
  });
});

describe('GET/PUT /api/enrollment/v1/courses/{course_id}', () => {
  it('shows the course with enrolled and code counts per status; the id raw or percent-encoded; JSON and XML', async () => {
    const id = 'course-v1:Org+Show+1';
    await create(a, { course_id: id, max_enrollments: 10 });
    const t = api(a.bearerToken);
    const codes = await t.codesFor(id, 3);
    expect((await t.enroll({ email: 'one@example.com', enrollment_code: codes[0] })).statusCode).toBe(200);
    expect((await t.status({ enrollment_code: codes[1], action: 'cancel' })).statusCode).toBe(200);
    const expected = {
      course_id: id, enrollment_start: null, enrollment_end: null, max_enrollments: 10, enrolled: 1,
      codes: { active: 1, redeemed: 1, canceled: 1, expired: 0 },
    };
    expect((await show(a, id)).json).toEqual(expected);
    expect((await show(a, encodeURIComponent(id))).json).toEqual(expected);
    const xml = await show(a, id, '.xml');
    expect(xml.body).toContain('<response>');
    expect(xml.body).toContain('<enrolled>1</enrolled>');
    expect(xml.body).toContain('<redeemed>1</redeemed>');
  });

  it("another tenant's course or a missing one: 400 Course not found., unchanged", async () => {
    await create(a, { course_id: 'course-v1:Org+Mine+1', max_enrollments: 2 });
    expect((await show(b, 'course-v1:Org+Mine+1')).json).toEqual(failure('Course not found.'));
    const res = await update(b, 'course-v1:Org+Mine+1', { max_enrollments: 100 });
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('Course not found.'));
    expect((await show(a, 'course-v1:Org+Mine+1')).json).toMatchObject({ max_enrollments: 2 });
  });

  it('updates the window and the cap (null clears); a cap below the number enrolled is refused and changes nothing', async () => {
    const id = 'course-v1:Org+Cap+1';
    await create(a, { course_id: id, max_enrollments: 5, enrollment_end: '2999-01-01' });
    const t = api(a.bearerToken);
    const codes = await t.codesFor(id, 2);
    for (const [i, code] of codes.entries()) expect((await t.enroll({ email: `cap${i}@example.com`, enrollment_code: code })).statusCode).toBe(200);
    const refused = await update(a, encodeURIComponent(id), { max_enrollments: 1 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json).toEqual(failure('max_enrollments must be at least the number enrolled (2)'));
    expect((await show(a, id)).json).toMatchObject({ max_enrollments: 5 });
    const ok = await update(a, id, { max_enrollments: 2, enrollment_end: null });
    expect(ok.statusCode).toBe(200);
    expect(ok.json).toEqual({ course_id: id, enrollment_start: null, enrollment_end: null, max_enrollments: 2 });
  });
});

describe('lists', () => {
  it('GET courses pages in creation order, Open edX page fields; only the tenant\'s courses', async () => {
    const t = await createTenant('ecourse-list');
    for (const n of [1, 2, 3]) expect((await create(t, { course_id: `course-v1:L+C${n}+1` })).statusCode).toBe(201);
    const res = await get(listCourses, t, '/api/enrollment/v1/courses?page=2&per_page=2');
    expect(res.json).toEqual({
      count: 3, num_pages: 2, current_page: 2, start: 2, next: null,
      previous: 'https://api.example.com/api/enrollment/v1/courses?page=1&per_page=2',
      results: [{ course_id: 'course-v1:L+C3+1', enrollment_start: null, enrollment_end: null, max_enrollments: null }],
    });
    expect(((await get(listCourses, b, '/api/enrollment/v1/courses')).json as { results: { course_id: string }[] }).results.map((c) => c.course_id))
      .not.toContain('course-v1:L+C3+1');
  });

  it('GET enrollments lists email, code, enrolled_at, paged as the codes list; another tenant: Course not found.', async () => {
    const id = 'course-v1:Org+Enr+1';
    await create(a, { course_id: id });
    const t = api(a.bearerToken);
    const codes = await t.codesFor(id, 3);
    for (const [i, code] of codes.entries()) await t.enroll({ email: `e${i}@example.com`, enrollment_code: code });
    const q = `course_id=${encodeURIComponent(id)}`;
    const res = await get(listEnrollments, a, `/api/enrollment/v1/enrollments?${q}&per_page=2&page=2`);
    expect(res.json).toMatchObject({ count: 3, num_pages: 2, current_page: 2, start: 2, next: null });
    expect((res.json as { results: unknown[] }).results).toEqual([{ email: 'e2@example.com', code: codes[2], enrolled_at: expect.any(String) }]);
    expect((await get(listEnrollments, b, `/api/enrollment/v1/enrollments?${q}`)).json).toEqual(failure('Course not found.'));
  });

  it('GET codes.csv answers text/csv with every code of the course', async () => {
    const id = 'course-v1:Org+Csv+1';
    await create(a, { course_id: id });
    const t = api(a.bearerToken);
    const codes = await t.codesFor(id, 2);
    await t.enroll({ email: 'csv@example.com', enrollment_code: codes[0] });
    const res = await get(exportCodes, a, `/api/enrollment/v1/codes.csv?course_id=${encodeURIComponent(id)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/csv; charset=utf-8');
    expect(res.headers.Link).toBeUndefined();
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('code,status,email,created_at,redeemed_at,expires_at');
    const row = (code: string) => lines.find((l) => l.startsWith(`${code},`));
    expect(row(codes[0]!)).toMatch(new RegExp(`^${codes[0]},redeemed,csv@example.com,[^,]+,[^,]+,$`));
    expect(row(codes[1]!)).toMatch(new RegExp(`^${codes[1]},active,,[^,]+,,$`));
    expect(lines).toHaveLength(3);
    expect((await get(exportCodes, b, `/api/enrollment/v1/codes.csv?course_id=${encodeURIComponent(id)}`)).json).toEqual(failure('Course not found.'));
  });
});
