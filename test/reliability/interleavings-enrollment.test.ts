/**
 * Hand-built schedules on the enrollment counters (issue 21). The reconcile job's recount is held
 * (support/faults.ts `Hold`: a slow Query, which DynamoDB Local never produces by itself) while
 * requests change the course; the data, conditions and transactions are DynamoDB Local's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resetDb } from '../../lib/db/client';
import { createCourse } from '../../lib/enrollment/courses';
import { enrollWithCode, reasons } from '../../lib/enrollment/enroll';
import { reconcileCourse } from '../../lib/enrollment/reconcile';
import { insertCodes } from '../../lib/enrollment/repository';
import { readEnrollments } from '../../lib/enrollment/repository-reconcile';
import { changeCodeStatus } from '../../lib/enrollment/status';
import { createTenant } from '../helpers/tenants';
import { gate, injectFaults, type Injector } from './support/faults';

let faults: Injector | undefined;
afterEach(() => {
  faults?.release();
  faults?.remove();
  faults = undefined;
  resetDb();
});

describe('enrollment reconcile racing requests', () => {
  it('a restore before and an enroll after its recount never leave `enrolled` low: the cap holds', async () => {
    const { tenantId } = await createTenant('enrc');
    const courseId = 'course-v1:Rec+C+1';
    await createCourse(tenantId, { course_id: courseId, max_enrollments: 2 });
    const codes = ['RC1', 'RC2', 'RC3', 'RC4'].map((c) => `${c}${tenantId.slice(-6)}`);
    await insertCodes(tenantId, codes.map((code) => ({ code, courseId, status: 'active' as const, createdAt: '2024-01-01T00:00:00.000Z' })));
    await enrollWithCode(tenantId, 'u1@example.com', codes[0]!);

    // The recount of the enrollments waits for a restore (u1 unenrolled); the counters' second
    // read waits for an enroll (u2): before and after, the counters read the same.
    const recountHeld = gate();
    const recountReached = gate();
    const recounted = gate();
    const afterHeld = gate();
    const afterReached = gate();
    let listings = 0;
    faults = injectFaults({
      select: (a) => a.command === 'QueryCommand' && JSON.stringify(a.input).includes(`#COURSE#${courseId}`),
      fault: (a) => {
        const text = JSON.stringify(a.input);
        if (text.includes('ENROLL#') && a.attempt === 1) {
          recountReached.open();
          return { until: recountHeld.opened, done: () => recounted.open() };
        }
        if (text.includes('BETWEEN') && a.attempt === 1 && ++listings === 2) {
          afterReached.open();
          return { until: afterHeld.opened };
        }
        return undefined;
      },
    });
    const check = reconcileCourse(tenantId, courseId);
    await recountReached.opened; // the counters were read before: u1 enrolled
    await changeCodeStatus(tenantId, codes[0]!, 'restore');
    recountHeld.open();
    await recounted.opened;
    await afterReached.opened;
    await enrollWithCode(tenantId, 'u2@example.com', codes[1]!);
    afterHeld.open();
    await check;
    faults.remove();

    // One enrolled (u2), cap 2: one more may enroll, the next is refused.
    await enrollWithCode(tenantId, 'u3@example.com', codes[2]!);
    await expect(enrollWithCode(tenantId, 'u4@example.com', codes[3]!)).rejects.toThrow(reasons.full);
    expect((await readEnrollments(tenantId, courseId)).count).toBe(2);
  });
});
