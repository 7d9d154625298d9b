/**
 * Throttling, transaction conflicts and lost answers from DynamoDB, injected through an SDK
 * middleware (support/faults.ts). THIS MOCKS AWS BEHAVIOUR THAT DYNAMODB LOCAL CANNOT PRODUCE:
 * the faults are the HTTP answers AWS gives (ProvisionedThroughputExceededException,
 * ThrottlingException, TransactionCanceledException with a TransactionConflict reason) or a
 * dropped connection; the data, conditions and transactions are DynamoDB Local's.
 *
 * For each surface: fewer failures than the SDK's maxAttempts (3) are retried and the request
 * succeeds, charged once; persistent failures answer 503 + Retry-After in the surface's body
 * and leave no partial write; a retry afterwards completes exactly once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDb } from '../../lib/db/client';
import type { Response } from '../helpers/http';
import { invariant, reportCounts } from './support/counts';
import { loadEndpoints, sendValid, type Endpoint, type Input } from './support/endpoints';
import { injectFaults, transactionWith, type Injector } from './support/faults';
import { changes, snapshot } from './support/snapshot';
import { enrollmentState, inventoryState, pairsOf, unitsState } from './support/state';
import { range, world, type World } from './support/world';

reportCounts('faults-throttling');

const { endpoints } = await loadEndpoints();
const ep = Object.fromEntries(endpoints.map((e) => [e.name, e])) as Record<string, Endpoint>;
const busy = 'Service temporarily unavailable, please retry';

let faults: Injector | undefined;
beforeEach(() => {
  resetDb(); // a fresh client: the SDK's retry quota starts full in every test
});
afterEach(() => {
  faults?.remove();
  faults = undefined;
  vi.restoreAllMocks();
  resetDb();
});

function call(name: string, w: World, input: Input = {}): Promise<Response> {
  return sendValid(ep[name]!, w, input);
}

/** 503 with Retry-After and the surface's error body. */
function expectUnavailable(res: Response, surface: 'units' | 'inventory' | 'enrollment') {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['Retry-After']).toBe('1');
  const body = { units: { errors: busy }, inventory: { errors: [busy] }, enrollment: { success: 'false', reason: busy } }[surface];
  expect(res.json).toEqual(body);
  invariant();
}

/** Lets the clock run `ms` ahead (Date.now only), e.g. past a units lease. */
function clockAhead(ms: number) {
  const real = Date.now.bind(Date);
  vi.spyOn(Date, 'now').mockImplementation(() => real() + ms);
}

// ---------------------------------------------------------------------------------- units

describe('course units: assign_units', () => {
  const logins = range(1, 60);
  const body = (w: World) => ({ course_codes: w.units.codes, login_ids: logins }); // 120 pairs: written in the commit

  async function expectAssignedOnce(w: World, before: { available: number; used: number }) {
    const { pairs, cost } = pairsOf(w, w.units.codes, logins);
    const { account, ops, items } = await unitsState(w);
    // One operation charged and wrote every pair; any later one (a retry) found them assigned: 0 units.
    const committed = ops.filter((o) => o.status === 'committed');
    const charged = committed.filter((o) => o.units! > 0);
    expect(charged).toHaveLength(1);
    expect(charged[0]).toMatchObject({ units: cost, pairs: pairs.length });
    for (const o of committed) if (o !== charged[0]) expect(o).toMatchObject({ units: 0, pairs: 0 });
    expect(items.map((i) => i.pair).sort()).toEqual([...pairs].sort());
    expect(new Set(items.map((i) => i.op))).toEqual(new Set([charged[0]!.opId]));
    expect(account).toMatchObject({ unitsAvailable: before.available - cost, unitsUsed: before.used + cost, unitsOwed: 0 });
    for (const code of w.units.codes) expect(account.assigned[code]).toBe(logins.length);
    expect(account.claim).toBeUndefined();
    invariant(6);
  }

  it('throttled once per call (fewer failures than maxAttempts): the SDK retries, 200, charged once', async () => {
    const w = await world('thr-u1', { balance: 1000, logins: 60, inventoryUnits: 0, codes: 0 });
    faults = injectFaults({
      fault: (a) =>
        a.attempt > 1 ? undefined
          : a.command === 'TransactWriteItemsCommand' ? 'ProvisionedThroughputExceededException'
            : a.command === 'BatchGetItemCommand' ? 'ThrottlingException' : undefined,
    });
    const res = await call('assignUnits', w, { body: body(w) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json).toEqual({});
    expect(faults.injected.ProvisionedThroughputExceededException).toBeGreaterThanOrEqual(2); // claim, commit (with the pairs)
    expect(faults.injected.ThrottlingException).toBeGreaterThan(0);
    await expectAssignedOnce(w, { available: 1000, used: 0 });
  });

  it('a TransactionConflict on the commit: planned again and committed once', async () => {
    const w = await world('thr-u2', { balance: 1000, logins: 60, inventoryUnits: 0, codes: 0 });
    faults = injectFaults({
      select: transactionWith('units_available = :expected'),
      fault: (a) => (a.call <= 2 ? 'TransactionConflict' : undefined),
    });
    const res = await call('assignUnits', w, { body: body(w) });
    expect(res.statusCode, res.body).toBe(200);
    expect(faults.injected.TransactionConflict).toBe(2);
    await expectAssignedOnce(w, { available: 1000, used: 0 });
  });

  it('persistent throttling after the claim: 503 + Retry-After, nothing charged or assigned; a retry completes once', async () => {
    const w = await world('thr-u3', { balance: 1000, logins: 60, inventoryUnits: 0, codes: 0 });
    faults = injectFaults({
      select: (a) => a.command === 'TransactWriteItemsCommand',
      fault: (a) => (a.call >= 2 ? 'ThrottlingException' : undefined), // the claim is taken, then every write is throttled
    });
    const res = await call('assignUnits', w, { body: body(w) });
    expectUnavailable(res, 'units');
    faults.remove();
    const after = await unitsState(w);
    expect(after.items).toEqual([]);
    expect(after.account).toMatchObject({ unitsAvailable: 1000, unitsUsed: 0 });
    expect(after.ops.filter((o) => o.status === 'committed')).toEqual([]);
    invariant(3);
    // The undo was throttled too, so the claim may still be held: the retry comes after its lease.
    clockAhead(61_000);
    const retry = await call('assignUnits', w, { body: body(w) });
    expect(retry.statusCode, retry.body).toBe(200);
    await expectAssignedOnce(w, { available: 1000, used: 0 });
  });

  it('the commit applied but its answer lost: never undone, answered as committed, a retry charges nothing', async () => {
    const w = await world('thr-u4', { balance: 1000, logins: 60, inventoryUnits: 0, codes: 0 });
    faults = injectFaults({
      select: transactionWith('units_available = :expected'),
      // The first attempt reaches DynamoDB and commits; its answer and both SDK retries are lost.
      fault: (a) => (a.call > 1 ? undefined : a.attempt === 1 ? 'lostAnswer' : 'ECONNRESET'),
    });
    const res = await call('assignUnits', w, { body: body(w) });
    expect(faults.injected.lostAnswer).toBe(1);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json).toEqual({});
    faults.remove();
    await expectAssignedOnce(w, { available: 1000, used: 0 });
    const retry = await call('assignUnits', w, { body: body(w) });
    expect(retry.statusCode).toBe(200);
    await expectAssignedOnce(w, { available: 1000, used: 0 }); // the retry's pairs exist: 0 units
  });
});

// ----------------------------------------------------------------------------- enrollment

describe('enrollment codes', () => {
  // generate writes its codes with PartiQL INSERT, 25 per BatchExecuteStatement (lib/enrollment/repository-batches.ts).
  const codeInserts = (a: { command: string; input: Record<string, unknown> }) =>
    a.command === 'BatchExecuteStatementCommand' && JSON.stringify(a.input).includes('INSERT INTO');
  const enroll = (w: World) => ({ body: { email: 'fault@example.com', enrollment_code: w.enrollment.codes[0]! } });

  async function expectEnrolledOnce(w: World) {
    expect(await enrollmentState(w, w.enrollment.codes[0]!)).toMatchObject({ status: 'redeemed', email: 'fault@example.com', counter: 1, enrollments: 1 });
    invariant();
  }

  it('enroll throttled once: the SDK retries, redeemed once', async () => {
    const w = await world('thr-e1', { inventoryUnits: 0 });
    faults = injectFaults({ select: transactionWith('ENROLL#'), fault: (a) => (a.attempt === 1 ? 'ProvisionedThroughputExceededException' : undefined) });
    const res = await call('enrollUserWithCode', w, enroll(w));
    expect(res.statusCode, res.body).toBe(200);
    expect(faults.injected.ProvisionedThroughputExceededException).toBe(1);
    await expectEnrolledOnce(w);
  });

  it('enroll persistently throttled: 503 + Retry-After, the code still active and nobody enrolled; a retry enrolls once', async () => {
    const w = await world('thr-e2', { inventoryUnits: 0 });
    faults = injectFaults({ select: transactionWith('ENROLL#'), fault: () => 'ThrottlingException' });
    expectUnavailable(await call('enrollUserWithCode', w, enroll(w)), 'enrollment');
    faults.remove();
    expect(await enrollmentState(w, w.enrollment.codes[0]!)).toMatchObject({ status: 'active', counter: 0, enrollments: 0 });
    invariant();
    expect((await call('enrollUserWithCode', w, enroll(w))).statusCode).toBe(200);
    await expectEnrolledOnce(w);
  });

  it('enroll in a transaction conflict that never clears: retried, then 503, nothing changed', async () => {
    const w = await world('thr-e3', { inventoryUnits: 0 });
    faults = injectFaults({ select: transactionWith('ENROLL#'), fault: () => 'TransactionConflict' });
    expectUnavailable(await call('enrollUserWithCode', w, enroll(w)), 'enrollment');
    expect(faults.injected.TransactionConflict).toBe(8); // the repository's attempts
    faults.remove();
    expect(await enrollmentState(w, w.enrollment.codes[0]!)).toMatchObject({ status: 'active', counter: 0, enrollments: 0 });
    invariant();
  });

  it('generate throttled once per chunk: 200, and exactly the returned codes are stored', async () => {
    const w = await world('thr-e4', { inventoryUnits: 0 });
    faults = injectFaults({ select: codeInserts, fault: (a) => (a.attempt === 1 && a.call % 3 === 0 ? 'ProvisionedThroughputExceededException' : undefined) });
    const res = await call('generateEnrollmentCodes', w, { body: { course_id: w.enrollment.courseId, total_registration_codes: 1000 } });
    expect(res.statusCode, res.body).toBe(200);
    const codes = (res.json as { codes: string[] }).codes;
    expect(new Set(codes).size).toBe(1000);
    expect(faults.injected.ProvisionedThroughputExceededException).toBeGreaterThan(0);
    expect((await enrollmentState(w, codes[0]!)).codes).toBe(w.enrollment.codes.length + 1000);
    invariant(2);
  });

  it('generate throttled past the retries half-way (2,000 codes): 503 + Retry-After, and no code of the request is left stored', async () => {
    const w = await world('thr-e5', { inventoryUnits: 0 });
    // After 5 requests of codes are in, a burst of throttling: the next 100 insert attempts
    // fail, more than the SDK's 3 attempts of each of the 16 requests in flight.
    let throttled = 0;
    faults = injectFaults({
      select: codeInserts,
      fault: (a) => (a.call > 5 && throttled < 100 ? (throttled++, 'ProvisionedThroughputExceededException') : undefined),
    });
    const before = await snapshot(w, {}, ['enrollment']);
    const res = await call('generateEnrollmentCodes', w, { body: { course_id: w.enrollment.courseId, total_registration_codes: 2000 } });
    expectUnavailable(res, 'enrollment');
    faults.remove();
    // Nothing this request wrote is stored: the course lists exactly the codes it had.
    expect(changes(before, await snapshot(w, {}, ['enrollment']))).toEqual([]);
    expect((await enrollmentState(w, w.enrollment.codes[0]!)).codes).toBe(w.enrollment.codes.length);
    invariant(2);
  });
});

// ------------------------------------------------------------------------------ inventory

describe('inventory units', () => {
  const params = (w: World) => ({ part_id: String(w.inventory.partId), id: String(w.inventory.unitIds[0]) });

  it('adjust throttled once: the SDK retries, applied once, logged once', async () => {
    const w = await world('thr-i1', { codes: 0 });
    faults = injectFaults({ select: (a) => a.command === 'TransactWriteItemsCommand', fault: (a) => (a.attempt === 1 ? 'ProvisionedThroughputExceededException' : undefined) });
    const res = await call('adjustInventoryUnitQuantity', w, { params: params(w), body: { inventory_unit: { quantity: '+1' } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(faults.injected.ProvisionedThroughputExceededException).toBe(1);
    const { units, logs } = await inventoryState(w);
    expect(units[0]!.quantity).toBe('101');
    expect(logs[0]!.map((r) => [r.record_type, r.quantity_change])).toEqual([['create', '100'], ['adjust', '1']]);
    invariant(2);
  });

  it('adjust in a transaction conflict: read again, applied once, logged once', async () => {
    const w = await world('thr-i2', { codes: 0 });
    faults = injectFaults({ select: (a) => a.command === 'TransactWriteItemsCommand', fault: (a) => (a.call <= 2 ? 'TransactionConflict' : undefined) });
    const res = await call('adjustInventoryUnitQuantity', w, { params: params(w), body: { inventory_unit: { quantity: '+1' } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(faults.injected.TransactionConflict).toBe(2);
    const { units, logs } = await inventoryState(w);
    expect(units[0]!.quantity).toBe('101');
    expect(logs[0]!.map((r) => r.record_type)).toEqual(['create', 'adjust']);
    invariant(2);
  });

  it('split persistently throttled: 503 + Retry-After, nothing written; a retry splits once with ids never used before', async () => {
    const w = await world('thr-i3', { codes: 0 });
    const split = { params: params(w), body: { inventory_unit: { quantity: 10, inventory_sublocation_id: 2, generate_asset_id: 'true' } } };
    const before = await snapshot(w, {}, ['inventory']);
    faults = injectFaults({ select: (a) => a.command === 'TransactWriteItemsCommand', fault: () => 'ProvisionedThroughputExceededException' });
    expectUnavailable(await call('splitInventoryUnit', w, split), 'inventory');
    faults.remove();
    const after = await snapshot(w, {}, ['inventory']);
    expect(changes(before, after)).toEqual([]);
    const retry = await call('splitInventoryUnit', w, split);
    expect(retry.statusCode, retry.body).toBe(200);
    const [original, created] = (retry.json as { inventory_units: { id: number; quantity: number; asset_id: string }[] }).inventory_units;
    expect([original!.quantity, created!.quantity]).toEqual([90, 10]);
    expect(created!.id).toBeGreaterThan(after.counters.unit); // the failed attempt's ids are not reused
    const { units } = await inventoryState(w);
    expect(units).toHaveLength(2);
    invariant(3);
  });
});
