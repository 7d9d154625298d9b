/**
 * Enrollment codes (SPEC 5.3): generate 1 / 100 / 10,000 codes, enroll, a status change, and
 * the list of a course with 1k / 10k / 50k codes, page 1 and page 100 (10 per page).
 */
import { invokeUnmetered, type Invocation, type Scenario } from '../harness';
import { BENCH_COURSE, codesCourse, warmTenant, type CodesWorld } from '../world';
import { createBenchTenant, type BenchTenant } from '../../env';
import { putCourse } from '../../../lib/enrollment/repository';

const bearer = (t: BenchTenant) => ({ authorization: `Bearer ${t.bearerToken}` });

let generateTenant: Promise<BenchTenant> | undefined;
const generator = () =>
  (generateTenant ??= createBenchTenant().then(async (t) => {
    await putCourse(t.tenantId, { courseId: BENCH_COURSE });
    return t;
  }));

export function generateScenarios(counts: [number, boolean][]): Scenario<BenchTenant>[] {
  return counts.map(([count, small]) => ({
    name: `generate_${count}`,
    fn: 'generateEnrollmentCodes',
    warm: (t) => warmTenant(t, 'bearer'),
    small,
    note: `generate-codes, ${count} codes into one course`,
    reusable: true,
    prepare: generator,
    call: (t) => ({
      http: { method: 'POST', path: '/api/enrollment/v1/generate-codes', headers: bearer(t), body: { course_id: BENCH_COURSE, total_registration_codes: count } },
    }),
    minimum: {
      requests: 2 + Math.ceil(count / 25),
      rounds: 3,
      rcu: 0.5,
      wru: count * 2 + 1,
      why: 'course; codes by BatchWriteItem in parallel (1 WRU each + 1 per course-index entry, index spread over keys); one commit item',
    },
  }));
}

interface One {
  world: CodesWorld;
  code: string;
}

let used = 0;
/** An active code nobody used, from a course of 100 codes. */
const activeCode = async (): Promise<One> => {
  const world = await codesCourse(100, '-enroll');
  const code = world.codes[used++];
  if (!code) throw new Error('capacity: enroll pool exhausted');
  return { world, code };
};

const enrollCall = ({ world, code }: One): Invocation => ({
  http: {
    method: 'POST',
    path: '/api/enrollment/v1/enroll-user-with-code',
    headers: bearer(world.tenant),
    body: { email: `user-${code}@example.com`, enrollment_code: code },
  },
});

export const enrollmentSingles: Scenario<One>[] = [
  {
    name: 'enroll',
    fn: 'enrollUserWithCode',
    warm: ({ world }) => warmTenant(world.tenant, 'bearer'),
    small: true,
    note: 'enroll-user-with-code with an active code',
    prepare: activeCode,
    call: enrollCall,
    minimum: { requests: 3, rounds: 2, rcu: 1.5, wru: 7, why: 'code + course in parallel; transaction: code, enrollment, counter (x2); course-index entry update' },
  },
  {
    name: 'code_status_restore',
    fn: 'enrollmentCodeStatus',
    warm: ({ world }) => warmTenant(world.tenant, 'bearer'),
    small: true,
    note: 'enrollment-code-status restore of a redeemed code',
    prepare: async () => {
      const one = await activeCode();
      const status = await invokeUnmetered('enrollUserWithCode', enrollCall(one));
      if (status !== '200') throw new Error(`capacity: enroll for the status scenario answered ${status}`);
      return one;
    },
    call: ({ world, code }) => ({
      http: { method: 'POST', path: '/api/enrollment/v1/enrollment-code-status', headers: bearer(world.tenant), body: { enrollment_code: code, action: 'restore' } },
    }),
    minimum: { requests: 2, rounds: 2, rcu: 1, wru: 7, why: 'code; transaction: code, enrollment deleted, counter (x2); course-index entry update' },
  },
];

const sizeName = (n: number) => `${n / 1000}k`;

export function listCodesScenarios(sizes: [number, boolean][]): Scenario<CodesWorld>[] {
  return sizes.flatMap(([count, small]) =>
    [1, 100].map((page) => ({
      name: `list_codes_p${page}_${sizeName(count)}`,
      fn: 'listEnrollmentCodes',
      warm: (w: CodesWorld) => warmTenant(w.tenant, 'bearer'),
      small,
      note: `codes of a course with ${count} codes, page ${page}, 10 per page`,
      reusable: true,
      prepare: () => codesCourse(count),
      call: (w: CodesWorld) => ({
        http: {
          path: `/api/enrollment/v1/codes?${new URLSearchParams({ course_id: w.courseId, page: String(page), per_page: '10' })}`,
          headers: bearer(w.tenant),
        },
      }),
      minimum: { requests: 2, rounds: 1, rcu: 1, wru: 0, why: 'course with its code counter; one key-range Query of the 10 codes, in parallel' },
    })),
  );
}
