/**
 * A bulk assign_units cut off half-way, through the handler: a late bucket write fails once
 * (the request answers 503 after undoing what it wrote), or hangs like a Lambda that timed
 * out or was killed (the request never answers; its claim and most of its pairs stay behind).
 * Either way a retry completes the request exactly once: the balance charged once, every pair
 * present once, owned by the one committed operation. The hung call, released afterwards
 * (a zombie landing late), changes nothing. Faults are injected through the SDK middleware
 * (support/faults.ts); the lease running out is simulated by moving Date.now ahead.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDb } from '../../lib/db/client';
import { defaultLeaseMs, leaseMarginMs } from '../../lib/units/operation';
import { invariant, reportCounts } from './support/counts';
import { loadEndpoints, sendValid, type Endpoint } from './support/endpoints';
import { injectFaults, transactionWith, type Attempt, type Injector } from './support/faults';
import { pairsOf, unitsState } from './support/state';
import { range, world, type World } from './support/world';

reportCounts('faults-timeout');

const { endpoints } = await loadEndpoints();
const assignUnits = endpoints.find((e) => e.name === 'assignUnits') as Endpoint;
const logins = range(1, 600); // x 2 courses = 1,200 pairs: journal, then one transaction of 6 bucket adds

let faults: Injector | undefined;
beforeEach(() => {
  resetDb();
});
afterEach(() => {
  faults?.release();
  faults?.remove();
  faults = undefined;
  vi.restoreAllMocks();
  resetDb();
});

const body = (w: World) => ({ body: { course_codes: w.units.codes, login_ids: logins } });
/** The bucket-write transaction of the assign (not its undo, not the commit). */
const isChunk = (a: Omit<Attempt, 'call'>) =>
  transactionWith('ADD ids')(a) && !JSON.stringify(a.input).includes('lock_op');

async function expectAssignedOnce(w: World) {
  const { pairs, cost } = pairsOf(w, w.units.codes, logins);
  const { account, ops, items } = await unitsState(w);
  const charged = ops.filter((o) => o.status === 'committed' && o.units! > 0);
  expect(charged).toHaveLength(1);
  expect(charged[0]).toMatchObject({ units: cost, pairs: pairs.length });
  expect(items.map((i) => i.pair).sort()).toEqual([...pairs].sort()); // every pair, once
  expect(new Set(items.map((i) => i.op))).toEqual(new Set([charged[0]!.opId]));
  expect(account).toMatchObject({ unitsAvailable: w.units.balance - cost, unitsUsed: cost, unitsOwed: 0 });
  expect(ops.filter((o) => o.status === 'pending' || o.status === 'aborting')).toEqual([]);
  expect(account.claim).toBeUndefined();
  invariant(6);
}

describe('assign_units cut off half-way', () => {
  it('a late chunk fails once: 503 after a full undo; the retry completes exactly once', async () => {
    const w = await world('cut-fail', { balance: 5000, logins: 600, inventoryUnits: 0, codes: 0 });
    faults = injectFaults({ select: isChunk, fault: (a) => (a.call === 1 ? 'InternalServerError' : undefined) });
    const res = await sendValid(assignUnits, w, body(w));
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers['Retry-After']).toBe('1');
    expect(faults.injected.InternalServerError).toBe(3); // every SDK attempt of the write
    faults.remove();
    const after = await unitsState(w);
    expect(after.items).toEqual([]);
    expect(after.account).toMatchObject({ unitsAvailable: 5000, unitsUsed: 0 });
    expect(after.ops.map((o) => o.status)).toEqual(['aborted']);
    invariant(3);
    expect((await sendValid(assignUnits, w, body(w))).statusCode).toBe(200);
    await expectAssignedOnce(w);
  });

  it('a late chunk hangs (the Lambda times out): the retry after the lease recovers and completes exactly once; the zombie changes nothing', async () => {
    const w = await world('cut-hang', { balance: 5000, logins: 600, inventoryUnits: 0, codes: 0 });
    faults = injectFaults({ select: isChunk, fault: (a) => (a.call === 1 ? 'hang' : undefined) });
    const zombie = sendValid(assignUnits, w, body(w)); // never answers while the write hangs
    while (!faults.injected.hang) await new Promise((r) => setTimeout(r, 20)); // the write is held
    const stuck = await unitsState(w);
    expect(stuck.items).toEqual([]);
    expect(stuck.account.claim).toBeDefined(); // the dead invocation's claim
    expect(stuck.account.unitsAvailable).toBe(5000); // nothing charged
    invariant(2);

    // The client retries after its timeout; by then the lease (seconds) has lapsed: the hung
    // holder renews it only as it works.
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + defaultLeaseMs + 1000);
    const retry = await sendValid(assignUnits, w, body(w));
    expect(retry.statusCode, retry.body).toBe(200);
    await expectAssignedOnce(w);

    // The frozen invocation wakes up and its write lands late: the bucket was fenced by the
    // recovery, so it changes nothing; it cannot commit (the claim is not its own).
    faults.release();
    expect((await zombie).statusCode).toBe(503);
    await expectAssignedOnce(w);
    const ops = (await unitsState(w)).ops;
    expect(ops.map((o) => o.status).sort()).toEqual(['aborted', 'committed']);
    invariant();
  });

  it('a lapsed lease is recovered within seconds: the lease is short and no write starts in its last margin', () => {
    expect(defaultLeaseMs).toBeLessThanOrEqual(10_000);
    expect(leaseMarginMs).toBeLessThan(defaultLeaseMs / 3);
    invariant();
  });
});
