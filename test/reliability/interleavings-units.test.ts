/**
 * Hand-built schedules on the units write paths (issue 21): the order of DynamoDB calls is forced
 * by holding chosen calls (support/faults.ts `Hold`) until the test opens their gate. The holds
 * stand in for what AWS does and DynamoDB Local cannot (a call delayed by a jittered retry
 * after a TransactionConflict, a frozen Lambda); the data, conditions and transactions are
 * DynamoDB Local's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resetDb } from '../../lib/db/client';
import { assignUnits, Killed } from '../../lib/units/assign';
import { undoOperation } from '../../lib/units/operation';
import { reconcileAccount } from '../../lib/units/reconcile';
import { countAssignments, getAccount, listAssignments, listOperations } from '../../lib/units/repository';
import { range, unitsTenant } from '../lib/units/fixtures';
import { endFaults, gate, injectFaults, transactionWith, type Injector } from './support/faults';

let faults: Injector | undefined;
afterEach(() => {
  faults = endFaults(faults);
  resetDb();
});

// 1 course x 1,100 logins: more pairs than a ledger entry lists, so journal + bucket writes before the commit.
const logins = range(1, 1100);
const request = { courseCodes: ['A'], loginIds: logins };

async function tenant() {
  return unitsTenant({ account: { unitsAvailable: 10_000, extraPayment: false }, courses: [{ code: 'A', name: 'A' }], logins: range(1, 1200) });
}

/** Starts the assign and kills it just before its commit: claim, pending operation, journal and pairs stay behind. */
async function killedBeforeCommit(tenantId: string) {
  await expect(assignUnits(tenantId, request, { faults: (s) => (s === 'commit' ? 'kill' : undefined) })).rejects.toBeInstanceOf(Killed);
  const op = (await listOperations(tenantId)).at(-1)!;
  expect(op.status).toBe('pending');
  return op;
}

describe('units: a late second undo', () => {
  it('never removes pairs that a later operation committed and was charged for', async () => {
    const t = await tenant();
    const op = await killedBeforeCommit(t.tenantId);
    // Two recoverers undo the dead operation; the second one's bucket undo is held (on AWS: the
    // loser of two identical undo transactions gets TransactionConflict and is retried later).
    const held = gate();
    const reached = gate();
    faults = injectFaults({
      select: transactionWith('DELETE ids'),
      fault: (a) => (a.call === 1 ? (reached.open(), { until: held.opened }) : undefined),
    });
    const late = undoOperation(t.tenantId, op, 'second recoverer');
    await reached.opened;
    expect(await undoOperation(t.tenantId, op, 'first recoverer')).toBe('aborted');
    // The client's retry takes the free claim, adds the same pairs and commits: charged 1,100.
    const retry = await assignUnits(t.tenantId, request);
    expect(retry).toMatchObject({ pairs: 1100, unitsCharged: 1100 });
    held.open();
    await late.catch(() => undefined);

    expect(await listAssignments(t.tenantId, 'A')).toEqual(logins);
    const account = await getAccount(t.tenantId);
    expect(account).toMatchObject({ unitsUsed: 1100, assigned: { A: 1100 } });
  });
});

describe('units: reconcile racing an operation that is undone', () => {
  it('never counts the pairs of an operation undone after its count into assigned:<code>', async () => {
    const t = await tenant();
    // The recount of course A is held until an operation has written its pairs; the repair is
    // held until that operation was undone.
    const countHeld = gate();
    const countReached = gate();
    const counted = gate();
    const repairHeld = gate();
    faults = injectFaults({
      select: (a) =>
        (a.command === 'QueryCommand' && JSON.stringify(a.input).includes('begins_with(sk')) ||
        (a.command === 'UpdateItemCommand' && JSON.stringify(a.input).includes('SET #f')),
      fault: (a) => {
        if (a.command === 'QueryCommand' && a.call === 1) {
          countReached.open();
          return { until: countHeld.opened, done: () => counted.open() };
        }
        if (a.command === 'UpdateItemCommand') return { until: repairHeld.opened };
        return undefined;
      },
    });
    const check = reconcileAccount(t.tenantId, 0);
    await countReached.opened;
    const op = assignUnits(t.tenantId, request, {
      faults: async (s) => {
        if (s !== 'commit') return undefined;
        countHeld.open(); // the count sees this operation's pairs
        await counted.opened;
        return 'fail'; // then the operation is undone
      },
    });
    await expect(op).rejects.toThrow('injected: failed at commit');
    repairHeld.open();
    await check;

    expect(await countAssignments(t.tenantId, 'A')).toBe(0);
    expect((await getAccount(t.tenantId))!.assigned.A ?? 0).toBe(0);
  });
});
