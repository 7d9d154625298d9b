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
import { generateCourseCodes } from '../../lib/enrollment/generate';
import { codeKey } from '../../lib/enrollment/keys';
import { getCode, getCourseListing, getStoredCode, insertCodes } from '../../lib/enrollment/repository';
import { insertBatchCodes, takeBatch } from '../../lib/enrollment/repository-batches';
import { expireCode } from '../../lib/enrollment/repository-expire';
import { readEnrollments } from '../../lib/enrollment/repository-reconcile';
import { changeCodeStatus } from '../../lib/enrollment/status';
import { createTenant } from '../helpers/tenants';
import { endFaults, gate, injectFaults, type Injector } from './support/faults';

let faults: Injector | undefined;
afterEach(() => {
  faults = endFaults(faults);
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

describe('enrollment generate and expiry: lower-severity findings', () => {
  it('a code write resent after a lost answer keeps its codes: every code the batch stored is one it answered', async () => {
    const { tenantId } = await createTenant('enrl');
    const courseId = 'course-v1:Rec+L+1';
    await createCourse(tenantId, { course_id: courseId });
    // The first BatchExecuteStatement is applied and its answer lost; the SDK sends it again.
    const firstWritten: string[] = [];
    faults = injectFaults({
      select: (a) => a.command === 'BatchExecuteStatementCommand',
      fault: (a) => {
        if (a.call !== 1 || a.attempt !== 1) return undefined;
        for (const s of (a.input.Statements as { Parameters: { S?: string }[] }[]) ?? []) {
          const pk = s.Parameters.map((p) => p.S).find((v) => v?.includes('#CODE#'));
          if (pk) firstWritten.push(pk.slice(pk.lastIndexOf('#CODE#') + '#CODE#'.length));
        }
        return 'lostAnswer';
      },
    });
    const codes = await generateCourseCodes(tenantId, courseId, 100);
    faults.remove();

    expect(firstWritten.length).toBeGreaterThan(0);
    // The codes written by the first attempt exist; each is one of the codes answered (and listed).
    for (const code of firstWritten) {
      expect(await getCode(tenantId, code)).toBeDefined();
      expect(codes).toContain(code);
    }
    expect(new Set(codes).size).toBe(100);
    expect((await getCourseListing(tenantId, courseId)).count).toBe(100);
  });

  it('the expiry job never flips a code of a batch that did not commit (nor moves its counts)', async () => {
    const { tenantId } = await createTenant('enrx');
    const courseId = 'course-v1:Rec+X+1';
    await createCourse(tenantId, { course_id: courseId });
    const batchId = `b-${tenantId}`;
    const code = `X${tenantId.slice(-7)}`;
    const expiresAt = '2030-01-01T00:00:00.000Z';
    // A generate request that wrote its pending batch and a code, then died before its commit.
    const taken = await takeBatch(tenantId, { id: batchId, courseId, createdAt: '2029-01-01T00:00:00.000Z', codes: [code], staleAt: '2029-01-01T00:15:00.000Z' }, 'dead-attempt', '2029-01-01T00:00:00.000Z');
    expect(taken).toEqual({ kind: 'taken' });
    expect(await insertBatchCodes(tenantId, batchId, [{ record: { code, courseId, status: 'active', createdAt: '2029-01-01T00:00:00.000Z', expiresAt }, idx: 0 }])).toEqual([]);
    expect((await getStoredCode(tenantId, code))?.batch).toBe(batchId);

    const flipped = await expireCode({ key: codeKey(tenantId, code), status: 'active', expiresAt, tenantId, courseId, batch: batchId }, '2031-01-01T00:00:00.000Z');

    expect(flipped).toBe(false);
    expect((await getCode(tenantId, code))?.status).toBe('active');
    expect(Number((await getCourseListing(tenantId, courseId)).counter?.n_expired ?? 0)).toBe(0);
  });
});
