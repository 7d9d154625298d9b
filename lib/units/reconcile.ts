/**
 * The daily check of one account (docs/UNITS.md, "What a crash leaves"):
 *   1. an abandoned operation (lease lapsed, created more than `recoverAfterMs` ago) is undone
 *      with recoverPendingOperations; a younger or live one makes the account busy;
 *   2. the ledger is read: units_used must be the sum of the committed operations' units;
 *   3. each course's assignment buckets are read: `assigned:<code>` must be the number of ids
 *      they hold. With the account's claim free they hold exactly the committed pairs: an undone
 *      operation's writes are removed and its buckets fenced before its claim is freed;
 *   4. drifted values are repaired with one conditional update (repository-reconcile.ts).
 */
import { mapLimit } from '../db/concurrency';
import { recoverPendingOperations } from './operation';
import { countAssignments, getAccount, listCourses } from './repository';
import { readLedger, repairAccountCounts } from './repository-reconcile';

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
  drift: Drift[];
}

/** Longer than any invocation lives (Lambda stops at 29 s); the lease rules decide before. */
export const defaultRecoverAfterMs = 60_000;

export async function reconcileAccount(tenantId: string, recoverAfterMs = defaultRecoverAfterMs): Promise<AccountCheck> {
  const check: AccountCheck = { status: 'ok', recovered: [], drift: [] };
  let account = await getAccount(tenantId);
  if (account?.claim) {
    check.recovered = await recoverPendingOperations(tenantId, recoverAfterMs);
    if (check.recovered.length > 0) account = await getAccount(tenantId);
  }
  if (!account) return { ...check, status: 'none' };
  if (account.claim) return { ...check, status: 'busy' };

  const ledger = await readLedger(tenantId);
  const codes = new Set([...(await listCourses(tenantId)).map((c) => c.code), ...Object.keys(account.assigned)]);
  const assigned: Record<string, number> = {};
  // One Query per course, each on its own partition key: in parallel, so a tenant's check takes
  // ~courses / 16 round trips instead of one per course (1,000 courses: ~63, not 1,000).
  const counts = await mapLimit([...codes], 16, async (code) => [code, await countAssignments(tenantId, code)] as const);
  for (const [code, counted] of counts) {
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
