/**
 * Whatever stops a generate request, no code is left that nobody was given. A request is
 * frozen after every chunk boundary (every DynamoDB call it makes from then on is held forever,
 * as a killed Lambda's would never come back), then the process "restarts": the codes it wrote
 * do not exist for the API (list, enroll, status), and the hourly job's clean-up deletes them.
 * Also: a request that runs out of time answers 503 before its deadline and leaves nothing; a
 * commit whose answer is lost still answers with the codes.
 *
 * The held calls and the lost answer are injected (reliability/support/faults.ts): AWS-only
 * behaviour DynamoDB Local cannot produce. The frozen request runs in its own async context, so
 * only its calls are held while the test goes on using the database.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import { unlimited } from '../../../lib/deadline';
import { generateCourseCodes, staleAfterMs } from '../../../lib/enrollment/generate';
import { codeKey } from '../../../lib/enrollment/keys';
import { putCourse } from '../../../lib/enrollment/repository';
import { getBatch } from '../../../lib/enrollment/repository-batches';
import { queryStaleBatches } from '../../../lib/enrollment/repository-expire';
import { ServiceUnavailableError } from '../../../lib/errors';
import { discardStaleBatches } from '../../../lib/jobs/expire';
import { injectFaults, type Injector } from '../../reliability/support/faults';
import { createTenant } from '../../helpers/tenants';
import { api, failure } from './support';

const count = 250; // 3 chunks: 4 + 4 + 2 requests of up to 25 codes
let tenantId: string;
let client: ReturnType<typeof api>;
let faults: Injector | undefined;
const frozen = new AsyncLocalStorage<string>();

beforeAll(async () => {
  const tenant = await createTenant('kill');
  tenantId = tenant.tenantId;
  client = api(tenant.bearerToken);
});

afterEach(() => {
  faults?.remove();
  faults = undefined;
});

/** This tenant's batches still pending or abandoned, whatever their age. */
async function leftBatches(): Promise<string[]> {
  const found: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryStaleBatches('9999', start);
    found.push(...page.batches.filter((b) => b.tenantId === tenantId).map((b) => b.batchId));
    start = page.next;
  } while (start);
  return found;
}

/** Which of `codes` are stored (any status, any batch). */
async function stored(codes: string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < codes.length; i += 100) {
    const keys = codes.slice(i, i + 100).map((code) => codeKey(tenantId, code));
    const res = await db().send(new BatchGetCommand({ RequestItems: { [tableName('enrollment')]: { Keys: keys, ConsistentRead: true } } }));
    out.push(...(res.Responses?.[tableName('enrollment')] ?? []).map((item) => String(item.code)));
  }
  return out;
}

async function listedCount(courseId: string): Promise<number> {
  const res = await client.codes({ course_id: courseId });
  expect(res.statusCode).toBe(200);
  return (res.json as { count: number }).count;
}

// Calls of the frozen request: 1 course and its count, 2 pending batch, 3-12 codes (chunks of
// 4 + 4 + 2 requests, in flight together), 13 the commit.
const boundaries = [0, 1, 2, 6, 10, 12];

describe('a generate request frozen at a chunk boundary', () => {
  it.each(boundaries)('after %i calls: its codes never exist for the API, and the clean-up deletes them all', async (k) => {
    const courseId = `course-v1:Kill+At+${k}`;
    await putCourse(tenantId, { courseId });
    faults = injectFaults({
      select: () => frozen.getStore() === courseId,
      fault: (a) => (a.call > k ? 'hang' : undefined),
    });
    // A clock an hour back, so its batch is already stale for the job (no other test's batch is).
    const past = new Date(Date.now() - 60 * 60_000);
    let answered = false;
    frozen.run(courseId, () => {
      void generateCourseCodes(tenantId, courseId, count, undefined, { now: past }).finally(() => {
        answered = true;
      });
    });
    await faults.passed(k);

    // What it wrote: its batch records every code it meant to write.
    const batches = await leftBatches();
    const written = (await Promise.all(batches.map(async (b) => (await getBatch(tenantId, b))?.codes ?? []))).flat();
    const present = await stored(written);
    if (k >= 6) expect(present.length).toBeGreaterThan(0);
    expect(await listedCount(courseId)).toBe(0);
    for (const code of present.slice(0, 2)) {
      const enroll = await client.enroll({ email: `k${k}@example.com`, enrollment_code: code });
      expect(enroll.json).toEqual(failure('Enrollment code error.'));
      const status = await client.status({ enrollment_code: code, action: 'cancel' });
      expect(status.json).toEqual(failure(`The enrollment code (${code}) was not found`));
    }

    // Restart: the hourly job's second pass.
    const result = await discardStaleBatches({ budget: unlimited });
    expect(result.complete).toBe(true);
    expect(result.discarded).toBe(present.length); // the items it deleted, not the codes the batch listed
    expect(await stored(written)).toEqual([]);
    expect(await leftBatches()).toEqual([]);
    expect(await listedCount(courseId)).toBe(0);
    expect(answered).toBe(false); // it never got to answer, so no client holds any of these codes
  });

  it('enroll with a code of a batch that has not committed: Enrollment code error.', async () => {
    const courseId = 'course-v1:Kill+Enroll+1';
    await putCourse(tenantId, { courseId });
    faults = injectFaults({ select: () => frozen.getStore() === courseId, fault: (a) => (a.call > 12 ? 'hang' : undefined) });
    frozen.run(courseId, () => void generateCourseCodes(tenantId, courseId, count).catch(() => {}));
    await faults.passed(12); // every code written, the commit not sent
    const [batch] = await leftBatches();
    const codes = (await getBatch(tenantId, batch!))!.codes;
    expect(await stored(codes)).toHaveLength(count);
    const res = await client.enroll({ email: 'early@example.com', enrollment_code: codes[0]! });
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual(failure('Enrollment code error.'));
    await discardStaleBatches({ budget: unlimited, now: new Date(Date.now() + staleAfterMs + 60_000) }).catch(() => undefined);
  });
});

describe('time', () => {
  it('a request without time to write answers 503 and writes nothing', async () => {
    const courseId = 'course-v1:Kill+Late+1';
    await putCourse(tenantId, { courseId });
    const err = await generateCourseCodes(tenantId, courseId, count, undefined, { remainingMs: () => 3_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(await leftBatches()).toEqual([]);
    expect(await listedCount(courseId)).toBe(0);
  });

  it('a request that runs out of time half-way answers 503 and deletes what it wrote', async () => {
    const courseId = 'course-v1:Kill+Late+2';
    await putCourse(tenantId, { courseId });
    let asked = 0;
    // Enough time for the first two chunks, then less than the request keeps for its commit.
    const remainingMs = () => (++asked <= 3 ? 20_000 : 3_000);
    const err = await generateCourseCodes(tenantId, courseId, count, undefined, { remainingMs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(await leftBatches()).toEqual([]);
    expect(await listedCount(courseId)).toBe(0);
  });

  it('a commit whose answer was lost still answers with the codes, listed once', async () => {
    const courseId = 'course-v1:Kill+Lost+1';
    await putCourse(tenantId, { courseId });
    faults = injectFaults({
      select: (a) => a.command === 'TransactWriteItemsCommand' && JSON.stringify(a.input).includes('Kill+Lost+1'),
      fault: (a) => (a.attempt === 1 ? 'lostAnswer' : undefined),
    });
    const codes = await client.codesFor(courseId, count);
    expect(faults.injected.lostAnswer).toBe(1);
    expect(new Set(codes).size).toBe(count);
    expect(await listedCount(courseId)).toBe(count);
    expect(await stored(codes)).toHaveLength(count);
  });
});
