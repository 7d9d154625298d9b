/**
 * Enrollment reference data over HTTP (docs/REFERENCE-DATA.md): the courses list (last page), show (with
 * the code counts), create, update (a lower cap), the enrollments list of a course with 1,000 /
 * 10,000 enrollments at page 1 and a late page, and codes.csv of 1,000 / 10,000 codes. Reads
 * must cost O(page) whatever the tenant's or course's size.
 */
import { randomBytes } from 'node:crypto';
import { type Scenario } from '../harness';
import { codesCourse, warmTenant, type CodesWorld } from '../world';
import { createBenchTenant, type BenchTenant } from '../../env';
import { batchPutAll } from '../../../lib/db/batch';
import { tableName } from '../../../lib/db/tables';
import { counterKey, positionsKey } from '../../../lib/enrollment/keys';
import { enrollmentItem } from '../../../lib/enrollment/items';
import { putCourse } from '../../../lib/enrollment/repository';
import { listedCourseItem, refCountersItem } from '../../../lib/enrollment/repository-reference';

const bearer = (t: BenchTenant) => ({ authorization: `Bearer ${t.bearerToken}` });
const coursesPath = '/api/enrollment/v1/courses';
const courseRoute = `${coursesPath}/{course_id}`;
const once = <T>(build: () => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= build());
};
const perPage = 25;
/** Each scenario checked against its own fixture type, then listed with the others (as run.ts does). */
const scenario = <F>(s: Scenario<F>) => s as unknown as Scenario<never>;
type Fresh = { tenant: BenchTenant; courseId: string };

/** A tenant with 200 courses (the list's counter and positions, as creates write them); few, as the reconcile job's scenario reads every course built. */
const manyCourses = once(async () => {
  const tenant = await createBenchTenant();
  const n = 200;
  const ids = Array.from({ length: n }, (_, i) => `course-v1:Bench+C${String(i).padStart(4, '0')}+2030`);
  await batchPutAll(tableName('enrollment'), [...ids.map((courseId, i) => listedCourseItem(tenant.tenantId, { courseId }, i + 1)), refCountersItem(tenant.tenantId, n)]);
  return tenant;
});

/**
 * A course with 1,000 codes (the show reads only its counters and the past expiries' counts:
 * the same cost whatever they hold, so the fixture keeps them consistent with its codes, all
 * active, for the reconcile job's scenario that reads it afterwards).
 */
const countedCourse = once(() => codesCourse(1000, '-counts'));

/** A course with `n` enrollments at positions 1..n (every 10th canceled: a hole). */
const enrolledCourses = new Map<number, Promise<CodesWorld & { positions: number }>>();
function enrolledCourse(n: number) {
  let found = enrolledCourses.get(n);
  if (!found) {
    found = (async () => {
      const tenant = await createBenchTenant();
      const courseId = `course-v1:Bench+Enrolled${n}+2030`;
      await putCourse(tenant.tenantId, { courseId });
      const enrolledAt = new Date().toISOString();
      const live = Array.from({ length: n }, (_, i) => i + 1).filter((pos) => pos % 10 !== 0);
      await batchPutAll(tableName('enrollment'), [
        ...live.map((pos) => enrollmentItem(tenant.tenantId, { courseId, email: `learner${pos}@example.com`, code: `CODE${pos}`, enrolledAt, pos })),
        { ...counterKey(tenant.tenantId, courseId), enrolled: live.length },
        { ...positionsKey(tenant.tenantId, courseId), positions: n },
      ], { concurrency: 8 });
      return { tenant, courseId, codes: [], positions: n };
    })();
    enrolledCourses.set(n, found);
  }
  return found;
}

const reads: Scenario<never>[] = [
  scenario<BenchTenant>({
    name: 'edx_courses_list',
    fn: 'listEnrollmentCourses',
    warm: (t) => warmTenant(t, 'bearer'),
    small: true,
    note: `GET courses page 8 of a tenant with 200 courses, ${perPage} per page`,
    reusable: true,
    prepare: manyCourses,
    call: (t) => ({ http: { path: `${coursesPath}?page=8&per_page=${perPage}`, headers: bearer(t) } }),
    minimum: { requests: 2, rounds: 1, rcu: 1.5, wru: 0, why: 'the page as a key range of gsi1; the list counter, in parallel' },
  }),
  scenario<CodesWorld>({
    name: 'edx_course_show',
    fn: 'showEnrollmentCourse',
    warm: (w) => warmTenant(w.tenant, 'bearer'),
    small: true,
    note: 'GET courses/{id} with enrolled and codes per status, a course of 1,000 codes',
    reusable: true,
    prepare: countedCourse,
    call: (w) => ({ http: { path: `${coursesPath}/${encodeURIComponent(w.courseId)}`, route: courseRoute, headers: bearer(w.tenant) } }),
    minimum: { requests: 2, rounds: 1, rcu: 2, wru: 0, why: 'course with its counters (one Query); active codes per past expiry, in parallel' },
  }),
  ...([
    [1000, 1, true],
    [1000, 40, true],
    [10_000, 400, false],
  ] as const).map(([n, page, small]) => scenario<CodesWorld>({
    name: `edx_enrollments_p${page}_${n / 1000}k`,
    fn: 'listEnrollments',
    warm: (w) => warmTenant(w.tenant, 'bearer'),
    small,
    note: `GET enrollments page ${page}, ${perPage} per page, of a course with ${n} positions (every 10th a hole)`,
    reusable: true,
    prepare: () => enrolledCourse(n),
    call: (w) => ({
      http: { path: `/api/enrollment/v1/enrollments?${new URLSearchParams({ course_id: w.courseId, page: String(page), per_page: String(perPage) })}`, headers: bearer(w.tenant) },
    }),
    minimum: { requests: 3, rounds: 1, rcu: 2.5, wru: 0, why: 'course with its counters; positions counter; the page as a key range of gsi1: all in parallel' },
  })),
  ...([
    [1000, true],
    [10_000, false],
  ] as const).map(([n, small]) => scenario<CodesWorld>({
    name: `edx_codes_csv_${n / 1000}k`,
    fn: 'exportEnrollmentCodes',
    warm: (w) => warmTenant(w.tenant, 'bearer'),
    small,
    note: `GET codes.csv of a course with ${n} codes (one response)`,
    reusable: true,
    prepare: () => codesCourse(n),
    call: (w) => ({ http: { path: `/api/enrollment/v1/codes.csv?${new URLSearchParams({ course_id: w.courseId })}`, headers: bearer(w.tenant) } }),
    minimum: { requests: 3, rounds: 2, rcu: Math.ceil(n / 128) * 0.5, wru: 0, why: 'course; blocks of 128 codes (key range) and changed codes (gsi1), in parallel' },
  })),
];

/** A fresh tenant per write call, so each call does the same work. */
const freshTenant = async (): Promise<Fresh> => {
  const tenant = await createBenchTenant();
  const courseId = `course-v1:Bench+${randomBytes(3).toString('hex')}+2030`;
  return { tenant, courseId };
};

const writes: Scenario<never>[] = [
  scenario<Fresh>({
    name: 'edx_course_create',
    fn: 'createEnrollmentCourse',
    warm: ({ tenant }) => warmTenant(tenant, 'bearer'),
    small: true,
    note: 'POST courses with a window and a cap',
    prepare: freshTenant,
    call: ({ tenant, courseId }) => ({
      http: { method: 'POST', path: coursesPath, headers: bearer(tenant), body: { course_id: courseId, enrollment_end: '2031-01-01', max_enrollments: 100 } },
    }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 6, why: 'list counter; transaction: counter, course, cap on the enrollment counter (x2)' },
  }),
  scenario<Fresh>({
    name: 'edx_course_update',
    fn: 'updateEnrollmentCourse',
    warm: ({ tenant }) => warmTenant(tenant, 'bearer'),
    small: true,
    note: 'PUT courses/{id} lowering the cap',
    prepare: async () => {
      const fixture = await freshTenant();
      await putCourse(fixture.tenant.tenantId, { courseId: fixture.courseId, maxEnrollments: 100 });
      return fixture;
    },
    call: ({ tenant, courseId }) => ({
      http: { method: 'PUT', path: `${coursesPath}/${encodeURIComponent(courseId)}`, route: courseRoute, headers: bearer(tenant), body: { max_enrollments: 50 } },
    }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 4, why: 'course; transaction: course, cap on the enrollment counter (refused below enrolled) (x2)' },
  }),
];

export const referenceEnrollmentScenarios: Scenario<never>[] = [...writes, ...reads];
