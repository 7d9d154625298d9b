/**
 * assignUnits at the domain level: all or nothing when a step fails, a process killed at each
 * step and recovered by the next request once its lease lapsed, late writes of an undone
 * operation fenced off, and grants landing in the middle of an operation. Faults are injected
 * through the `faults` option (a `kill` stops the operation dead: no undo, no lease renewal).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import { ServiceUnavailableError, ValidationError } from '../../../lib/errors';
import { assignUnits, Killed, type Step } from '../../../lib/units/assign';
import { grantUnits } from '../../../lib/units/grant';
import { accountKey } from '../../../lib/units/keys';
import { recoverPendingOperations } from '../../../lib/units/operation';
import { getAccount, listAssignments, listOperations } from '../../../lib/units/repository';
import { writeBuckets } from '../../../lib/units/repository-assign';
import { markAborting } from '../../../lib/units/repository-claim';
import { assign, ledgerTotals, range, snapshot, unitsTenant } from './fixtures';

const codes = ['A', 'B'];
const logins = range(1, 600); // 2 x 600 = 1,200 pairs: more than a commit carries, so journal + bucket writes (6 buckets)
const cost = 1200;

async function bigTenant(unitsAvailable = 5000) {
  return unitsTenant({ account: { unitsAvailable, extraPayment: false }, courses: codes.map((code) => ({ code, name: code })), logins: range(1, 1000) });
}

/** Runs the 2 x 600 assign and kills it at `step`; returns the operation it left behind. */
async function killedAt(tenantId: string, step: Step, leaseMs?: number) {
  // One bucket per transaction, so that the writes can be cut between transactions.
  const attempt = assignUnits(tenantId, { courseCodes: codes, loginIds: logins }, { leaseMs, bucketsPerTransaction: 1, faults: (s) => (s === step ? 'kill' : undefined) });
  await expect(attempt).rejects.toBeInstanceOf(Killed);
  const ops = await listOperations(tenantId);
  expect(ops.at(-1)!.status).toBe('pending');
  return ops.at(-1)!;
}

/** Waits (polling, no timing asserted) until the tenant's lease has lapsed. */
async function lapsed(tenantId: string) {
  while (((await getAccount(tenantId))?.claim?.until ?? 0) >= Date.now()) await new Promise((r) => setTimeout(r, 50));
}

describe('a failure half-way', () => {
  it('leaves balance, counts and assignments exactly as before, and the operation aborted', async () => {
    const t = await bigTenant();
    // Some pairs assigned earlier must survive the undo untouched.
    await assignUnits(t.tenantId, { courseCodes: ['A', 'B'], loginIds: [1, 500, 1000] });
    const before = await snapshot(t.tenantId);
    const fail = (s: Step) => (s === 'write:5' ? 'fail' : undefined);
    const attempt = assignUnits(t.tenantId, { courseCodes: codes, loginIds: range(1, 1000) }, { bucketsPerTransaction: 1, faults: fail });
    await expect(attempt).rejects.toThrow('injected: failed at write:5');

    expect(await snapshot(t.tenantId)).toEqual(before);
    expect(before.counts).toEqual({ A: 3, B: 3 });
    expect(await listAssignments(t.tenantId, 'A')).toEqual([1, 500, 1000]);
    const ops = await listOperations(t.tenantId);
    expect(ops.map((op) => op.status)).toEqual(['committed', 'aborted']);
    expect(ops[1]!.reason).toBe('injected: failed at write:5');
    expect((await getAccount(t.tenantId))!.claim).toBeUndefined();
  });

  it('no time left for the commit answers 503 (retry) and changes nothing', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 5, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: [1, 2] });
    const before = await snapshot(t.tenantId);
    await expect(assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [1, 2] }, { remainingMs: () => 0 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(await snapshot(t.tenantId)).toEqual(before);
    expect((await listOperations(t.tenantId)).map((o) => o.status)).toEqual(['aborted']);
  });

  it('no time left to undo what would be written: no bucket write starts, 503, nothing changed', async () => {
    const t = await bigTenant();
    const before = await snapshot(t.tenantId);
    await expect(assignUnits(t.tenantId, { courseCodes: codes, loginIds: logins }, { remainingMs: () => 1_000 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(await snapshot(t.tenantId)).toEqual(before);
  });

  it('a balance lowered before the commit turns into 422 and a full undo', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 3, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: range(1, 3) });
    const before = await snapshot(t.tenantId);
    // Nothing in the API lowers a balance outside the claim; an operator editing the table
    // could, so simulate that from inside the fault hook.
    const lower = async (step: Step) => {
      if (step !== 'commit') return undefined;
      await db().send(new UpdateCommand({ TableName: tableName('units'), Key: accountKey(t.tenantId), UpdateExpression: 'SET units_available = :two', ExpressionAttributeValues: { ':two': 2 } }));
      return undefined;
    };
    const attempt = assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [1, 2, 3] }, { faults: lower });
    await expect(attempt).rejects.toThrow(new ValidationError('You do not have enough units to complete this operation'));
    const after = await snapshot(t.tenantId);
    expect(after.counts).toEqual(before.counts);
    expect(after.inventory.units_available).toBe(2);
  });
});

describe('a process killed at any step', () => {
  const steps: Step[] = ['claimed', 'planned', 'journaled', 'write:0', 'write:4', 'commit'];

  it.each(steps)('killed at %s: the next request recovers it once the lease lapses and completes exactly once', async (step) => {
    const t = await bigTenant();
    const killed = await killedAt(t.tenantId, step, 1_000);
    expect((await getAccount(t.tenantId))!.claim?.opId).toBe(killed.opId);

    const result = await assignUnits(t.tenantId, { courseCodes: codes, loginIds: logins });
    expect(result).toMatchObject({ pairs: cost, unitsCharged: cost, unitsOwed: 0 });
    const { inventory, counts } = await snapshot(t.tenantId);
    expect(inventory).toMatchObject({ units_available: 5000 - cost, units_used: cost });
    expect(counts).toEqual({ A: 600, B: 600 });
    expect(await listAssignments(t.tenantId, 'B')).toEqual(logins);
    expect((await listOperations(t.tenantId)).map((o) => [o.opId === killed.opId, o.status])).toEqual([[true, 'aborted'], [false, 'committed']]);
    expect(await ledgerTotals(t.tenantId)).toEqual({ entries: 1, units: cost, owed: 0, pairs: cost });
  });

  it('with the default lease, the next request through the handler waits it out (seconds) and succeeds', async () => {
    const t = await bigTenant();
    await killedAt(t.tenantId, 'write:4');
    const res = await assign(t.unitsToken, { course_codes: codes, login_ids: logins });
    expect(res.statusCode, res.body).toBe(200);
    expect((await snapshot(t.tenantId)).counts).toEqual({ A: 600, B: 600 });
    expect(await ledgerTotals(t.tenantId)).toEqual({ entries: 1, units: cost, owed: 0, pairs: cost });
  });

  it('a write of the killed operation that arrives after its recovery changes nothing (fenced)', async () => {
    const t = await bigTenant();
    const killed = await killedAt(t.tenantId, 'journaled', 1_000);
    await lapsed(t.tenantId);
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([killed.opId]);
    expect(await writeBuckets(t.tenantId, killed, [{ code: 'A', bucket: 0, ids: [1, 2, 3] }])).toBe(false);
    expect(await listAssignments(t.tenantId, 'A')).toEqual([]);
  });
});

describe('recovery by the reconcile job', () => {
  it('recoverPendingOperations undoes it once it is old enough and its lease has run out', async () => {
    const t = await bigTenant();
    await assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [1, 2] });
    const before = await snapshot(t.tenantId);
    const op = await killedAt(t.tenantId, 'write:4', 1_000);
    await lapsed(t.tenantId);
    expect((await snapshot(t.tenantId)).counts).not.toEqual(before.counts); // the kill left writes behind

    expect(await recoverPendingOperations(t.tenantId, 60 * 60_000)).toEqual([]); // not old enough
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([op.opId]);
    expect(await snapshot(t.tenantId)).toEqual(before);
    expect((await getAccount(t.tenantId))!.claim).toBeUndefined();
    expect((await listOperations(t.tenantId)).map((o) => o.status)).toEqual(['committed', 'aborted']);
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([]); // nothing left to do
  });

  it('finishes the undo of a recovery that itself died after marking the operation aborting', async () => {
    const t = await bigTenant();
    const before = await snapshot(t.tenantId);
    const op = await killedAt(t.tenantId, 'write:4', 1_000);
    await lapsed(t.tenantId);
    expect(await markAborting(t.tenantId, op)).toBe('aborting'); // the first recovery's only step
    expect(await markAborting(t.tenantId, op)).toBe('aborting'); // reports the status it found
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([op.opId]);
    expect(await snapshot(t.tenantId)).toEqual(before);
    expect((await listOperations(t.tenantId)).map((o) => o.status)).toEqual(['aborted']);
  });

  it('leaves an operation alone while its lease runs', async () => {
    const t = await bigTenant();
    const op = await killedAt(t.tenantId, 'write:4', 60_000);
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([]);
    expect((await getAccount(t.tenantId))!.claim?.opId).toBe(op.opId);
    // Another request waits for the claim, then answers 503 (retry later); nothing changes.
    await expect(assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [2] }, { maxWaitMs: 0 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect((await getAccount(t.tenantId))!.unitsAvailable).toBe(5000);
  });
});

describe('extra payment and grants', () => {
  it('owes only the shortfall of this operation; a later grant pays owed units first', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 2, extraPayment: true }, courses: [{ code: 'A', name: 'A', unitCost: 3 }], logins: range(1, 4) });
    // 2 pairs x 3 = 6; 2 available -> 4 owed.
    expect(await assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [1, 2] })).toMatchObject({ unitsCharged: 6, unitsOwed: 4 });
    // Balance is 0 now: the next 3 units are all owed, and the answer reports only those.
    expect(await assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [3] })).toMatchObject({ unitsCharged: 3, unitsOwed: 3 });
    expect(await getAccount(t.tenantId)).toMatchObject({ unitsAvailable: 0, unitsOwed: 7, unitsUsed: 9 });
    // A grant of 10 pays the 7 owed, 3 remain available.
    expect(await grantUnits(t.tenantId, 10)).toEqual({ paidOwed: 7, added: 3 });
    expect(await getAccount(t.tenantId)).toMatchObject({ unitsAvailable: 3, unitsOwed: 0, unitsUsed: 9 });
    expect(await ledgerTotals(t.tenantId)).toEqual({ entries: 2, units: 9, owed: 7, pairs: 3 });
  });

  it('a grant landing during an operation is kept: the commit plans again on the new balance', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 4, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: range(1, 4) });
    const grant = async (step: Step) => (step === 'planned' ? void (await grantUnits(t.tenantId, 5)) : undefined);
    await assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: range(1, 4) }, { faults: grant });
    const account = await getAccount(t.tenantId);
    expect(account).toMatchObject({ unitsAvailable: 4 + 5 - 4, unitsUsed: 4 });
    expect(account!.claim).toBeUndefined();
  });

  it('a grant to a tenant without an account creates it', async () => {
    const t = await unitsTenant({});
    await grantUnits(t.tenantId, 5);
    expect(await getAccount(t.tenantId)).toMatchObject({ unitsAvailable: 5, unitsOwed: 0, unitsUsed: 0, extraPayment: false });
    await expect(grantUnits(t.tenantId, 0)).rejects.toBeInstanceOf(ValidationError);
  });
});
