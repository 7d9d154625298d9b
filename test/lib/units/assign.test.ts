/**
 * assignUnits at the domain level: all or nothing when a write fails half-way, recovery of an
 * operation whose process died, the lock, and a grant landing in the middle of an operation.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import { ServiceUnavailableError, ValidationError } from '../../../lib/errors';
import { grantUnits } from '../../../lib/units/grant';
import { assignUnits } from '../../../lib/units/assign';
import { beginOperation, cartesian, recoverPendingOperations } from '../../../lib/units/operation';
import { accountKey } from '../../../lib/units/keys';
import { findAssignments, getAccount, listOperations, pairId } from '../../../lib/units/repository';
import { markAborting } from '../../../lib/units/repository-operations';
import { writePairs } from '../../../lib/units/writer';
import { ledgerTotals, range, snapshot, unitsTenant } from './fixtures';

describe('a failure half-way', () => {
  it('leaves balance, counts and assignments exactly as before, and the operation aborted', async () => {
    const codes = range(1, 10).map((i) => `C${i}`);
    const t = await unitsTenant({
      account: { unitsAvailable: 10_000, extraPayment: false },
      courses: codes.map((code) => ({ code, name: code })),
      logins: range(1, 1000),
    });
    // Some pairs assigned earlier must survive the undo untouched.
    const earlier = await assignUnits(t.tenantId, { courseCodes: ['C1', 'C10'], loginIds: [1, 500, 1000] });
    const before = await snapshot(t.tenantId);

    // 10,000 new-or-old pairs are 100 chunks; the 51st fails after 50 were written.
    const failure = new Error('injected: chunk 50 failed');
    const attempt = assignUnits(
      t.tenantId,
      { courseCodes: codes, loginIds: range(1, 1000) },
      { beforeChunk: (i) => { if (i === 50) throw failure; } },
    );
    await expect(attempt).rejects.toBe(failure);

    // Same balance and the same number of items per course, and the earlier items are still
    // the earlier operation's: so exactly the same items.
    expect(await snapshot(t.tenantId)).toEqual(before);
    expect(before.counts).toEqual({ ...Object.fromEntries(codes.map((c) => [c, 0])), C1: 3, C10: 3 });
    const earlierPairs = cartesian(['C1', 'C10'], [1, 500, 1000]);
    expect([...(await findAssignments(t.tenantId, earlierPairs)).values()]).toEqual(Array(6).fill(earlier.opId));
    const ops = await listOperations(t.tenantId);
    expect(ops.map((op) => op.status)).toEqual(['committed', 'aborted']);
    expect(ops[1]!.reason).toBe('injected: chunk 50 failed');
    expect((await getAccount(t.tenantId))!.lock).toBeUndefined();
  });

  it('running out of time before a write answers 503 (retry) and changes nothing', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 5, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: [1, 2] });
    const before = await snapshot(t.tenantId);
    await expect(assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [1, 2] }, { budgetMs: 0 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(await snapshot(t.tenantId)).toEqual(before);
    expect((await listOperations(t.tenantId)).map((o) => o.status)).toEqual(['aborted']);
  });

  it('a balance lowered during the writes turns into 422 and a full undo', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 3, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: range(1, 3) });
    const before = await snapshot(t.tenantId);
    // Nothing in the API lowers a balance outside the lock; an operator editing the table
    // could, so simulate that from inside the fault hook.
    const lower = () =>
      db().send(new UpdateCommand({
        TableName: tableName('units'),
        Key: accountKey(t.tenantId),
        UpdateExpression: 'SET units_available = :two',
        ExpressionAttributeValues: { ':two': 2 },
      })).then(() => {});
    const attempt = assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [1, 2, 3] }, { beforeChunk: lower });
    await expect(attempt).rejects.toThrow(new ValidationError('You do not have enough units to complete this operation'));
    const after = await snapshot(t.tenantId);
    expect(after.counts).toEqual(before.counts);
    expect(after.inventory.units_available).toBe(2);
  });
});

describe('recovery of an operation whose process died', () => {
  /** Takes the lock and writes some pairs, then "crashes": no commit, no undo. */
  async function crashHalfWay(tenantId: string, codes: string[], ids: number[], leaseMs: number) {
    const { op } = await beginOperation(tenantId, { courseCodes: codes, loginIds: ids, who: { tenant: tenantId } }, { leaseMs });
    const pairs = cartesian(codes, ids);
    await writePairs(tenantId, op.opId, pairs.slice(0, Math.ceil(pairs.length / 2)), { deadline: Infinity, attempted: [] });
    return op;
  }

  it('recoverPendingOperations undoes it once it is old enough and its lease has run out', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 50, extraPayment: false }, courses: [{ code: 'A', name: 'A' }, { code: 'B', name: 'B' }], logins: range(1, 150) });
    await assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [1, 2] });
    const before = await snapshot(t.tenantId);
    const op = await crashHalfWay(t.tenantId, ['A', 'B'], range(1, 150), 0);
    expect((await snapshot(t.tenantId)).counts).not.toEqual(before.counts); // the crash left writes behind

    expect(await recoverPendingOperations(t.tenantId, 60 * 60_000)).toEqual([]); // not old enough
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([op.opId]);
    expect(await snapshot(t.tenantId)).toEqual(before);
    expect((await getAccount(t.tenantId))!.lock).toBeUndefined();
    expect((await listOperations(t.tenantId)).map((o) => o.status)).toEqual(['committed', 'aborted']);
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([]); // nothing left to do
  });

  it('finishes the undo of a recovery that itself died after marking the operation aborting', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 5, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: range(1, 4) });
    const before = await snapshot(t.tenantId);
    const op = await crashHalfWay(t.tenantId, ['A'], range(1, 4), 0);
    expect(await markAborting(t.tenantId, op)).toBe('aborting'); // the first recovery's only step
    expect(await markAborting(t.tenantId, op)).toBe('aborting'); // reports the status it found
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([op.opId]);
    expect(await snapshot(t.tenantId)).toEqual(before);
    expect((await listOperations(t.tenantId)).map((o) => o.status)).toEqual(['aborted']);
  });

  it('leaves an operation alone while its lease runs', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 5, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: [1, 2] });
    const op = await crashHalfWay(t.tenantId, ['A'], [1, 2], 60_000);
    expect(await recoverPendingOperations(t.tenantId, 0)).toEqual([]);
    expect((await getAccount(t.tenantId))!.lock?.opId).toBe(op.opId);
    // Another request waits for the lock, then answers 503 (retry later); nothing changes.
    await expect(assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [2] }, { maxWaitMs: 0 })).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect((await getAccount(t.tenantId))!.unitsAvailable).toBe(5);
  });

  it('the next assign for the tenant recovers an expired operation first, then charges only its own pairs', async () => {
    const t = await unitsTenant({ account: { unitsAvailable: 10, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: range(1, 10) });
    const crashed = await crashHalfWay(t.tenantId, ['A'], range(1, 10), 0);
    const result = await assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: [1, 2, 3] });
    expect(result).toMatchObject({ pairs: 3, unitsCharged: 3, unitsOwed: 0 });
    const { inventory, counts } = await snapshot(t.tenantId);
    expect(inventory.units_available).toBe(10 - 3);
    expect(counts).toEqual({ A: 3 });
    const owners = await findAssignments(t.tenantId, cartesian(['A'], range(1, 10)));
    expect([...owners.values()]).toEqual([result.opId, result.opId, result.opId]);
    expect(owners.get(pairId({ code: 'A', loginId: 4 }))).toBeUndefined();
    const ops = await listOperations(t.tenantId);
    expect(ops.find((o) => o.opId === crashed.opId)?.status).toBe('aborted');
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
    await assignUnits(t.tenantId, { courseCodes: ['A'], loginIds: range(1, 4) }, { beforeChunk: () => grantUnits(t.tenantId, 5).then(() => {}) });
    const account = await getAccount(t.tenantId);
    expect(account).toMatchObject({ unitsAvailable: 4 + 5 - 4, unitsUsed: 4 });
    expect(account!.lock).toBeUndefined();
  });

  it('a grant to a tenant without an account creates it', async () => {
    const t = await unitsTenant({});
    await grantUnits(t.tenantId, 5);
    expect(await getAccount(t.tenantId)).toMatchObject({ unitsAvailable: 5, unitsOwed: 0, unitsUsed: 0, extraPayment: false });
    await expect(grantUnits(t.tenantId, 0)).rejects.toBeInstanceOf(ValidationError);
  });
});
