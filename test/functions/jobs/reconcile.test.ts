/**
 * The daily reconcile job, with drift seeded by hand in fresh tenants. A run goes over every
 * tenant of the test database (other files' tenants included, while they work), so the tests
 * look only at their own tenants' items; each uses its own checkpoint item.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/jobs/reconcile';
import { db } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import { enrollWithCode } from '../../../lib/enrollment/enroll';
import { counterKey } from '../../../lib/enrollment/keys';
import { getEnrolledCount, insertCodes, putCourse } from '../../../lib/enrollment/repository';
import { setLogSink, type LogLine } from '../../../lib/log';
import { unlimited } from '../../../lib/deadline';
import { loadCheckpoint } from '../../../lib/jobs/checkpoint';
import { reconcile } from '../../../lib/jobs/reconcile';
import { assignUnits } from '../../../lib/units/assign';
import { accountKey, operationSk } from '../../../lib/units/keys';
import { assignedPrefix, type Operation } from '../../../lib/units/model';
import { countAssignments, getAccount, listOperations, putUnitsData } from '../../../lib/units/repository';
import { putJournal, writeBuckets } from '../../../lib/units/repository-assign';
import { takeClaim } from '../../../lib/units/repository-claim';
import { lambdaContext } from '../../../scripts/lambda-context';
import { createTenant } from '../../helpers/tenants';

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

async function unitsTenant(units = 20) {
  const { tenantId } = await createTenant('recon');
  await putUnitsData(tenantId, {
    account: { unitsAvailable: units, extraPayment: false },
    courses: [{ code: 'A', name: 'A' }, { code: 'B', name: 'B', unitCost: 2 }],
    logins: [1, 2, 3, 4, 5],
  });
  return tenantId;
}

/** A units account whose totals were changed behind the API's back. */
async function driftedAccount(): Promise<string> {
  const t = await unitsTenant();
  await assignUnits(t, { courseCodes: ['A'], loginIds: [1, 2] }); // 2 units
  await assignUnits(t, { courseCodes: ['B'], loginIds: [1] }); // 2 units
  await db().send(
    new UpdateCommand({
      TableName: tableName('units'),
      Key: accountKey(t),
      UpdateExpression: 'SET units_used = :used, #a = :five REMOVE #b',
      ExpressionAttributeNames: { '#a': `${assignedPrefix}A`, '#b': `${assignedPrefix}B` },
      ExpressionAttributeValues: { ':used': 9, ':five': 5 },
    }),
  );
  return t;
}

/** Takes the tenant's claim for an operation created at `createdAt` whose lease has run out, journals its pairs and writes one. */
async function abandonedOperation(t: string, createdAt: string): Promise<Operation> {
  const opId = randomUUID();
  const op: Operation = { opId, sk: operationSk(createdAt, opId), status: 'pending', createdAt, courseCodes: ['A'], loginIds: [1, 2], who: { tenant: t } };
  expect((await takeClaim(t, op, Date.now() - 1000)).acquired).toBe(true);
  await putJournal(t, opId, new Map([['A', [1, 2]]]));
  expect(await writeBuckets(t, op, [{ code: 'A', bucket: 0, ids: [1] }])).toBe(true);
  return op;
}

async function enrollmentTenant(counts: Record<string, number>): Promise<string> {
  const { tenantId } = await createTenant('recon');
  for (const [c, [course, n]] of Object.entries(counts).entries()) {
    await putCourse(tenantId, { courseId: course });
    const codes = Array.from({ length: n }, (_, i) => `RC${c}X${String(i).padStart(4, '0')}`);
    const records = codes.map((code) => ({ code, courseId: course, status: 'active' as const, createdAt: hourAgo() }));
    if (records.length) expect(await insertCodes(tenantId, records)).toEqual([]);
    for (const code of codes) await enrollWithCode(tenantId, `${code.toLowerCase()}@example.com`, code);
  }
  return tenantId;
}

const setCounter = (t: string, course: string, n: number) =>
  db().send(new UpdateCommand({ TableName: tableName('enrollment'), Key: counterKey(t, course), UpdateExpression: 'SET enrolled = :n', ExpressionAttributeValues: { ':n': n } }));

describe('a full pass', () => {
  let drifted: string;
  let recovered: string;
  let young: string;
  let enrollment: string;
  let abandoned: Operation;
  let live: Operation;

  beforeAll(async () => {
    [drifted, recovered, young, enrollment] = await Promise.all([
      driftedAccount(),
      unitsTenant(5),
      unitsTenant(5),
      enrollmentTenant({ 'course-v1:R+C1+1': 2, 'course-v1:R+C2+1': 1, 'course-v1:R+C3+1': 0 }),
    ]);
    abandoned = await abandonedOperation(recovered, hourAgo());
    live = await abandonedOperation(young, new Date().toISOString());
    await setCounter(enrollment, 'course-v1:R+C1+1', 7);
    await db().send(new DeleteCommand({ TableName: tableName('enrollment'), Key: counterKey(enrollment, 'course-v1:R+C2+1') }));

    const summary = await reconcile({ budget: unlimited, checkpointId: `test-${randomUUID()}` });
    expect(summary).toMatchObject({ job: 'reconcile', complete: true, resumed: false });
    expect(summary.drift).toBeGreaterThanOrEqual(6);
  });

  it('recounts units_used from the ledger and each course count from its assignments', async () => {
    expect(await getAccount(drifted)).toMatchObject({ unitsUsed: 4, unitsAvailable: 16, assigned: { A: 2, B: 1 } });
  });

  it('leaves the assignments themselves as they are', async () => {
    expect(await countAssignments(drifted, 'A')).toBe(2);
    expect(await countAssignments(drifted, 'B')).toBe(1);
  });

  it('undoes an operation abandoned long ago: its pairs removed, claim released, ledger entry aborted', async () => {
    const account = await getAccount(recovered);
    expect(account?.claim).toBeUndefined();
    expect(account).toMatchObject({ unitsAvailable: 5, unitsUsed: 0 });
    expect(await countAssignments(recovered, 'A')).toBe(0);
    expect((await listOperations(recovered)).map((op) => [op.opId, op.status])).toEqual([[abandoned.opId, 'aborted']]);
  });

  it('leaves a recently abandoned operation to the assign path (lease rules), and its account untouched', async () => {
    expect((await getAccount(young))?.claim?.opId).toBe(live.opId);
    expect((await listOperations(young)).map((op) => op.status)).toEqual(['pending']);
    expect(await countAssignments(young, 'A')).toBe(1);
  });

  it('sets each course enrollment counter to the enrollments it has', async () => {
    expect(await getEnrolledCount(enrollment, 'course-v1:R+C1+1')).toBe(2);
    expect(await getEnrolledCount(enrollment, 'course-v1:R+C2+1')).toBe(1);
    expect(await getEnrolledCount(enrollment, 'course-v1:R+C3+1')).toBe(0);
  });
});

describe('a pass longer than one run', () => {
  it('stops when its time is up, saves a checkpoint, and the next run carries on from it', async () => {
    const t = await driftedAccount();
    const id = `test-${randomUUID()}`;
    let checks = 0;
    const first = await reconcile({ budget: { exhausted: () => checks++ >= 3 }, checkpointId: id });
    expect(first).toMatchObject({ complete: false, resumed: false });
    expect(first.scanned).toBeLessThanOrEqual(3);
    const saved = await loadCheckpoint(id);
    expect(saved).toMatchObject({ passStartedAt: first.passStartedAt, runs: 0 });

    const second = await reconcile({ budget: unlimited, checkpointId: id });
    expect(second).toMatchObject({ complete: true, resumed: true, passStartedAt: first.passStartedAt });
    expect(await loadCheckpoint(id)).toBeUndefined();
    expect(await getAccount(t)).toMatchObject({ unitsUsed: 4, assigned: { A: 2, B: 1 } });
  });
});

describe('the Lambda handler', () => {
  it('runs on an empty event, returns its summary and logs it as one line', async () => {
    const lines: LogLine[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      const summary = await handler({}, lambdaContext('reconcile', 900_000));
      expect(summary).toMatchObject({ job: 'reconcile', complete: true });
      for (const field of ['scanned', 'changed', 'drift', 'skipped', 'accounts', 'courses', 'durationMs'] as const) {
        expect(summary[field]).toEqual(expect.any(Number));
      }
      expect(lines.filter((l) => l.msg === 'reconcile summary')).toEqual([expect.objectContaining({ level: 'info', ...summary })]);
    } finally {
      restore();
    }
  });
});
