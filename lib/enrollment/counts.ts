/**
 * A course's codes per status (GET courses/{id}) without reading its codes: every transaction
 * that lists a code or changes its status also moves these counts (docs/REFERENCE-DATA.md).
 *
 * - The CODES item's `codes` is how many codes the course lists (generate moves it already).
 * - COUNTER holds `n_redeemed`, `n_canceled`, `n_expired` (stored statuses); active is the rest.
 * - An active code past its expiry shows as expired before the hourly job stores it so: codes
 *   stored active WITH an expiry are counted per expiry instant (`EXPCOUNT` items, keys.ts); the
 *   read sums the instants already past (a key range, only those the job has not yet emptied).
 *
 * The counts ride on writes the transactions make anyway (CODES on generate, COUNTER on
 * enroll/cancel/restore), so they add no write to a course's hottest key; an expiring code
 * adds one small item to its transaction.
 */
import { counterKey, expiryCountKey } from './keys';
import type { CodeStatus } from './model';
import type { TransactItem } from '../db/types';
import { enrollmentTable as table } from '../db/tables';

export type Stored = 'redeemed' | 'canceled' | 'expired';
export const storedAttr: Record<Stored, string> = { redeemed: 'n_redeemed', canceled: 'n_canceled', expired: 'n_expired' };
export const stored = Object.keys(storedAttr) as Stored[];

/** What a code counts as: its stored status, and its expiry while it is active. */
export interface Counted {
  status: CodeStatus;
  expiresAt?: string | undefined;
}

export interface CountDelta {
  /** n_<status> on COUNTER */
  counter: Partial<Record<Stored, number>>;
  /** active codes per expiry instant */
  expiries: Record<string, number>;
}

export const emptyDelta = (): CountDelta => ({ counter: {}, expiries: {} });

function add(d: CountDelta, code: Counted, sign: 1 | -1): void {
  if (code.status !== 'active') d.counter[code.status] = (d.counter[code.status] ?? 0) + sign;
  else if (code.expiresAt) d.expiries[code.expiresAt] = (d.expiries[code.expiresAt] ?? 0) + sign;
}

/** What codes going from `from` to `to` (either absent: listed / gone) change in the counts. */
export function delta(changes: { from?: Counted; to?: Counted }[], into = emptyDelta()): CountDelta {
  for (const { from, to } of changes) {
    if (from) add(into, from, -1);
    if (to) add(into, to, 1);
  }
  for (const s of stored) if (into.counter[s] === 0) delete into.counter[s];
  for (const e of Object.keys(into.expiries)) if (into.expiries[e] === 0) delete into.expiries[e];
  return into;
}

/** COUNTER's version: + 1 in every transaction that changes `enrolled` or a code count. */
export const counterVersionAttr = 'ver';

/** `ADD` clauses for COUNTER (to merge into an update the transaction makes anyway). */
export function counterAdds(d: CountDelta): { clauses: string[]; names: Record<string, string>; values: Record<string, number> } {
  const out = { clauses: [] as string[], names: {} as Record<string, string>, values: {} as Record<string, number> };
  for (const s of stored) {
    const n = d.counter[s];
    if (!n) continue;
    out.clauses.push(`#${s} :${s}`);
    out.names[`#${s}`] = storedAttr[s];
    out.values[`:${s}`] = n;
  }
  // Every change of the counts also moves COUNTER's version: the reconcile job repairs only if it
  // did not move since its read (repository-reconcile.ts setCounts).
  if (out.clauses.length) {
    out.clauses.push('#cver :cver');
    out.names['#cver'] = counterVersionAttr;
    out.values[':cver'] = 1;
  }
  return out;
}

/** COUNTER's share as its own transaction item, when the transaction does not touch COUNTER otherwise. */
export function counterItem(tenantId: string, courseId: string, d: CountDelta): TransactItem[] {
  const adds = counterAdds(d);
  if (adds.clauses.length === 0) return [];
  return [{ Update: { TableName: table(), Key: counterKey(tenantId, courseId), UpdateExpression: `ADD ${adds.clauses.join(', ')}`, ExpressionAttributeNames: adds.names, ExpressionAttributeValues: adds.values } }];
}

/** One item per expiry instant whose active count moves. */
export function expiryItems(tenantId: string, courseId: string, d: CountDelta): TransactItem[] {
  return Object.entries(d.expiries).map(([expiresAt, n]) => ({
    Update: { TableName: table(), Key: expiryCountKey(tenantId, courseId, expiresAt), UpdateExpression: 'ADD active :n', ExpressionAttributeValues: { ':n': n } },
  }));
}

export type CodeCounts = Record<CodeStatus, number>;

/**
 * The counts shown: stored statuses from COUNTER, active = listed - those, and the active codes
 * whose expiry has passed (`pastActive`, summed over the EXPCOUNT items before now) as expired.
 */
export function codeCounts(listed: number, counter: Record<string, unknown> | undefined, pastActive: number): CodeCounts {
  const n = (s: Stored) => Number(counter?.[storedAttr[s]] ?? 0);
  const storedActive = listed - n('redeemed') - n('canceled') - n('expired');
  return { active: storedActive - pastActive, redeemed: n('redeemed'), canceled: n('canceled'), expired: n('expired') + pastActive };
}
