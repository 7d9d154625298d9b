/**
 * The daily check of one account (docs/UNITS.md, "What a crash leaves"):
 *   1. an operation abandoned long ago (lease run out, created more than `recoverAfterMs` ago)
 *      is undone with recoverPendingOperations; a younger or live one makes the account busy;
 *   2. the ledger is read: units_used must be the sum of the committed operations' units;
 *   3. each course's assignment items are read: `assigned:<code>` must count the items written
 *      by committed operations. Items of an aborted operation are orphans (a write that landed
 *      after its undo) and are removed; items of a running or unknown operation are ignored;
 *   4. drifted values are repaired with one conditional update (repository-reconcile.ts).
 */
import { recoverPendingOperations } from './operation';
import { getAccount, listCourses } from './repository';
import { assignmentOwners, readLedger, repairAccountCounts } from './repository-reconcile';
import { removePairs } from './writer';

export interface Drift {
  /** `units_used` or `assigned:<code>` */
  what: string;
  recorded: number;
  counted: number;
}

export interface AccountCheck {
  status: 'ok' | 'repaired' | 'busy' | 'none';
  /** Operations undone by recovery. */
  recovered: string[];
  /** Orphan assignment items removed. */
  orphansRemoved: number;
  drift: Drift[];
}

/** Long enough that no request can still be working on an operation (Lambda stops at 29 s). */
export const defaultRecoverAfterMs = 15 * 60_000;

export async function reconcileAccount(tenantId: string, recoverAfterMs = defaultRecoverAfterMs): Promise<AccountCheck> {
  const check: AccountCheck = { status: 'ok', recovered: [], orphansRemoved: 0, drift: [] };
  let account = await getAccount(tenantId);
  if (account?.lock) {
    check.recovered = await recoverPendingOperations(tenantId, recoverAfterMs);
    if (check.recovered.length > 0) account = await getAccount(tenantId);
  }
  if (!account) return { ...check, status: 'none' };
  if (account.lock) return { ...check, status: 'busy' };

  const ledger = await readLedger(tenantId);
  const codes = new Set([...(await listCourses(tenantId)).map((c) => c.code), ...Object.keys(account.assigned)]);
  const assigned: Record<string, number> = {};
  for (const code of codes) {
    const owners = await assignmentOwners(tenantId, code);
    const counted = owners.filter((o) => ledger.statusOf.get(o.opId) === 'committed').length;
    check.orphansRemoved += await removeOrphans(tenantId, code, owners, ledger.statusOf);
    if (counted !== (account.assigned[code] ?? 0)) {
      assigned[code] = counted;
      check.drift.push({ what: `assigned:${code}`, recorded: account.assigned[code] ?? 0, counted });
    }
  }
  const unitsUsed = ledger.committedUnits === account.unitsUsed ? undefined : ledger.committedUnits;
  if (unitsUsed !== undefined) check.drift.push({ what: 'units_used', recorded: account.unitsUsed, counted: unitsUsed });

  if (check.drift.length === 0) return check;
  const repaired = await repairAccountCounts(tenantId, account, { unitsUsed, assigned });
  return { ...check, status: repaired ? 'repaired' : 'busy' };
}

/** Items of aborted operations: deleted on condition that they still carry that operation. */
async function removeOrphans(
  tenantId: string,
  code: string,
  owners: { loginId: number; opId: string }[],
  statusOf: Map<string, string>,
): Promise<number> {
  const byOp = new Map<string, number[]>();
  for (const { loginId, opId } of owners) {
    if (statusOf.get(opId) === 'aborted') byOp.set(opId, [...(byOp.get(opId) ?? []), loginId]);
  }
  let removed = 0;
  for (const [opId, logins] of byOp) {
    await removePairs(tenantId, opId, logins.map((loginId) => ({ code, loginId })));
    removed += logins.length;
  }
  return removed;
}
