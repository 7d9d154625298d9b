/**
 * Idempotency-Key and middy's early timeout (R6): middy answers 503 when the invocation's time is
 * nearly up, while the handler runs on. A request that had not started a write by then is
 * released (its write log is closed first, so it never starts one): the retry runs. One that had
 * started a write keeps its 503 (it may commit): the retry replays it and nothing runs twice.
 * The slow call is a held DynamoDB Local call (support/faults.ts); the Lambda's short time is the
 * context's remaining time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetDb } from '../../lib/db/client';
import { getCode } from '../../lib/enrollment/repository';
import { lambdaContext } from '../../scripts/lambda-context';
import { loadEndpoints, sendValid, type Endpoint } from './support/endpoints';
import { gate, injectFaults, type Attempt, type Injector } from './support/faults';
import { world } from './support/world';

const { endpoints } = await loadEndpoints();
const enroll = endpoints.find((e) => e.name === 'enrollUserWithCode') as Endpoint;
/** The same function in a Lambda with one second left: middy answers 503 after ~995 ms. */
const shortLived: Endpoint = { ...enroll, handler: (event) => enroll.handler(event, lambdaContext('test', 1_000)) };

let faults: Injector | undefined;
beforeEach(() => {
  resetDb();
});
afterEach(() => {
  faults?.release();
  faults?.remove();
  faults = undefined;
  resetDb();
});

const enrollmentTable = () => process.env.ENROLLMENT_TABLE!;
const onEnrollmentTable = (command: string) => (a: Omit<Attempt, 'call'>) =>
  a.command === command && JSON.stringify(a.input).includes(`"${enrollmentTable()}"`);
const settled = () => new Promise((resolve) => setTimeout(resolve, 100));

describe("Idempotency-Key after middy's early timeout", () => {
  it('a request that had not started a write when middy answered 503 is released: the retry enrolls, once', async () => {
    const w = await world('ito-read', { inventoryUnits: 0, logins: 0 });
    const code = w.enrollment.codes[0]!;
    const slowRead = gate();
    let readDone = false;
    // The first read of the code is slower than the Lambda's remaining time.
    faults = injectFaults({
      select: onEnrollmentTable('GetItemCommand'),
      fault: (a) => (a.call === 1 ? { until: slowRead.opened, done: () => void (readDone = true) } : undefined),
    });
    const key = { headers: { 'Idempotency-Key': `enroll-${w.tenantId}` } };
    const first = await sendValid(shortLived, w, key);
    expect(first.statusCode).toBe(503);
    expect(first.headers['Retry-After']).toBeDefined();
    // The handler runs on once its read answers; its redeem is never sent (its write log is closed).
    slowRead.open();
    await expect.poll(() => readDone).toBe(true);
    await settled();
    expect(await getCode(w.tenantId, code)).toMatchObject({ status: 'active' });
    faults.remove();

    const retry = await sendValid(enroll, w, key);
    expect({ statusCode: retry.statusCode, json: retry.json }).toEqual({ statusCode: 200, json: { success: 'true' } });
    expect(await getCode(w.tenantId, code)).toMatchObject({ status: 'redeemed', email: 'learner@example.com' });
    expect((await sendValid(enroll, w, key)).body).toBe(retry.body); // the key now holds the 200
  });

  it('a request whose write had started when middy answered 503 keeps that answer: the retry replays it and runs nothing', async () => {
    const w = await world('ito-write', { inventoryUnits: 0, logins: 0 });
    const code = w.enrollment.codes[0]!;
    const slowCommit = gate();
    let committed = false;
    // The redeem transaction lands after middy answered (applied: the client cannot know).
    faults = injectFaults({
      select: onEnrollmentTable('TransactWriteItemsCommand'),
      fault: (a) => (a.call === 1 ? { until: slowCommit.opened, done: ({ ok }) => void (committed = ok) } : undefined),
    });
    const key = { headers: { 'Idempotency-Key': `enroll-${w.tenantId}` } };
    const first = await sendValid(shortLived, w, key);
    expect(first.statusCode).toBe(503);
    slowCommit.open();
    await expect.poll(() => committed).toBe(true);
    await settled();
    faults.remove();

    const retry = await sendValid(enroll, w, key);
    expect({ statusCode: retry.statusCode, body: retry.body }).toEqual({ statusCode: first.statusCode, body: first.body });
    expect(await getCode(w.tenantId, code)).toMatchObject({ status: 'redeemed', email: 'learner@example.com' });
  });
});
