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
import { world, type World } from './support/world';

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

/**
 * Sends the enroll with an Idempotency-Key to the short-lived Lambda while the first `command`
 * call on the enrollment table is held past its time (middy answers first), then lets that call
 * through and waits for it and for the handler's steps after it. `heldOk`: whether it succeeded.
 */
async function timedOutDuring(w: World, command: string) {
  const held = gate();
  let outcome: { ok: boolean } | undefined;
  faults = injectFaults({
    select: onEnrollmentTable(command),
    fault: (a) => (a.call === 1 ? { until: held.opened, done: (o) => void (outcome = o) } : undefined),
  });
  const key = { headers: { 'Idempotency-Key': `enroll-${w.tenantId}` } };
  const first = await sendValid(shortLived, w, key);
  held.open();
  await expect.poll(() => outcome).toBeDefined();
  await settled();
  faults.remove();
  return { key, first, heldOk: outcome!.ok };
}

describe("Idempotency-Key after middy's early timeout", () => {
  it('a request that had not started a write when middy answered 503 is released: the retry enrolls, once', async () => {
    const w = await world('ito-read', { inventoryUnits: 0, logins: 0 });
    const code = w.enrollment.codes[0]!;
    // The first read of the code is slower than the Lambda's remaining time; once it answers, the
    // handler runs on, but its redeem is never sent (its write log is closed).
    const { key, first } = await timedOutDuring(w, 'GetItemCommand');
    expect(first.statusCode).toBe(503);
    expect(first.headers['Retry-After']).toBeDefined();
    expect(await getCode(w.tenantId, code)).toMatchObject({ status: 'active' });

    const retry = await sendValid(enroll, w, key);
    expect({ statusCode: retry.statusCode, json: retry.json }).toEqual({ statusCode: 200, json: { success: 'true' } });
    expect(await getCode(w.tenantId, code)).toMatchObject({ status: 'redeemed', email: 'learner@example.com' });
    expect((await sendValid(enroll, w, key)).body).toBe(retry.body); // the key now holds the 200
  });

  it('a request whose write had started when middy answered 503 keeps that answer: the retry replays it and runs nothing', async () => {
    const w = await world('ito-write', { inventoryUnits: 0, logins: 0 });
    const code = w.enrollment.codes[0]!;
    // The redeem transaction lands after middy answered (applied: the client cannot know).
    const { key, first, heldOk } = await timedOutDuring(w, 'TransactWriteItemsCommand');
    expect(first.statusCode).toBe(503);
    expect(heldOk).toBe(true);

    const retry = await sendValid(enroll, w, key);
    expect({ statusCode: retry.statusCode, body: retry.body }).toEqual({ statusCode: first.statusCode, body: first.body });
    expect(await getCode(w.tenantId, code)).toMatchObject({ status: 'redeemed', email: 'learner@example.com' });
  });
});
