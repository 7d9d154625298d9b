/**
 * Assigning courses to logins, paid in units (SPEC 5.1). The steps, and why they are safe at
 * any size and under concurrency, are in docs/UNITS.md:
 *   1. every code and login must exist (422 otherwise, nothing written);
 *   2. take the tenant's lock with a pending operation record;
 *   3. find the new pairs, price them, refuse (422) if the balance cannot pay;
 *   4. write the new pairs, tagged with the operation id;
 *   5. commit: debit, counts, ledger entry and lock release in one transaction.
 * Any failure after 2 removes what 4 wrote and releases the lock, then rethrows.
 */
import { ServiceUnavailableError, ValidationError } from '../errors';
import { notEnoughUnits, planCharge } from './balance';
import { abortOperation, beginOperation, cartesian, type BeginOptions } from './operation';
import type { Account, Course, Operation, Pair } from './model';
import { findAssignments, findLogins, getAccount, getCourses, getOperation, pairId } from './repository';
import { commitOperation } from './repository-operations';
import { writePairs, type WriteOptions } from './writer';

export interface AssignRequest {
  courseCodes: string[];
  loginIds: number[];
}

export interface AssignResult {
  opId: string;
  /** New pairs assigned (already assigned ones are skipped and cost nothing). */
  pairs: number;
  unitsCharged: number;
  /** The part of unitsCharged the balance could not cover (extra payment). */
  unitsOwed: number;
}

export interface AssignOptions extends BeginOptions {
  /** Recorded in the ledger entry as part of "who". */
  requestId?: string;
  /**
   * No write starts later than this after the call began. In Lambda the default is 24 s: API
   * Gateway gives up at 30 s and the function is stopped at 29 s, and stopping between writes
   * leaves a clean undo instead of a crash for the lease to clear. Elsewhere (tests, scripts)
   * nothing stops the process, so only the lease limits it.
   */
  budgetMs?: number;
  /** Test-only fault injection, see WriteOptions. */
  beforeChunk?: WriteOptions['beforeChunk'];
}

const defaultBudgetMs = process.env.AWS_LAMBDA_FUNCTION_NAME ? 24_000 : Infinity;

/** Ledger entries list the pairs themselves up to this many; larger ones keep per-course counts. */
const pairListLimit = 1000;

const unique = <T>(values: T[]): T[] => [...new Set(values)];

async function checkReferences(tenantId: string, codes: string[], ids: number[]): Promise<Map<string, Course>> {
  const [courses, logins] = await Promise.all([getCourses(tenantId, codes), findLogins(tenantId, ids)]);
  if (courses.size === 0) throw new ValidationError('No courses found for given codes');
  const unknownCodes = codes.filter((code) => !courses.has(code));
  if (unknownCodes.length > 0) throw new ValidationError(`Course codes not found: ${unknownCodes.join(', ')}`);
  const unknownLogins = ids.filter((id) => !logins.has(id));
  if (unknownLogins.length > 0) throw new ValidationError(`Logins not found: ${unknownLogins.join(', ')}`);
  return courses;
}

export async function assignUnits(
  tenantId: string,
  request: AssignRequest,
  options: AssignOptions = {},
): Promise<AssignResult> {
  const started = Date.now();
  const codes = unique(request.courseCodes);
  const ids = unique(request.loginIds);
  const courses = await checkReferences(tenantId, codes, ids);
  const who = { tenant: tenantId, credential: 'units', ...(options.requestId ? { request: options.requestId } : {}) };
  const { op, deadline: leaseDeadline } = await beginOperation(tenantId, { courseCodes: codes, loginIds: ids, who }, options);
  const deadline = Math.min(leaseDeadline, started + (options.budgetMs ?? defaultBudgetMs));
  const attempted: Pair[] = [];
  try {
    return await run(tenantId, op, courses, { deadline, attempted, beforeChunk: options.beforeChunk });
  } catch (err) {
    if ((await abortOperation(tenantId, op, attempted, err)) === 'committed') {
      // The commit was applied and only its answer was lost: report what it recorded.
      const done = await getOperation(tenantId, op.sk);
      if (done) return { opId: op.opId, pairs: done.pairs ?? 0, unitsCharged: done.units ?? 0, unitsOwed: done.owed ?? 0 };
    }
    throw err;
  }
}

/** Steps 3 to 5, holding the lock. */
async function run(tenantId: string, op: Operation, courses: Map<string, Course>, write: WriteOptions): Promise<AssignResult> {
  const candidates = cartesian(op.courseCodes, op.loginIds);
  const account = await getAccount(tenantId);
  if (!account) throw new Error('units account missing while locked'); // the lock creates it
  const costOf = (pairs: Pair[]) => pairs.reduce((sum, p) => sum + courses.get(p.code)!.unitCost, 0);
  // The new pairs must be known before writing only to refuse a request the balance cannot
  // pay. When it could pay for every candidate (or extra payment is on), skip that read: the
  // conditional puts find the pairs assigned already (skipped, not charged) just as well.
  const fresh = planCharge(account, costOf(candidates))
    ? candidates
    : await newPairs(tenantId, candidates);
  // Refuse before writing anything. Nobody else spends while we hold the lock; a concurrent
  // grant can only add, and the commit re-checks the balance anyway.
  if (!planCharge(account, costOf(fresh))) throw new ValidationError(notEnoughUnits);
  // `taken` pairs were assigned already (or, found by the read, assigned outside the lock
  // meanwhile): they are simply not charged to this operation.
  const { written } = await writePairs(tenantId, op.opId, fresh, write);
  return commit(tenantId, op, account, written, costOf(written));
}

/** The candidates not assigned yet (a consistent read of every candidate pair). */
async function newPairs(tenantId: string, candidates: Pair[]): Promise<Pair[]> {
  const existing = await findAssignments(tenantId, candidates);
  return candidates.filter((p) => !existing.has(pairId(p)));
}

async function commit(tenantId: string, op: Operation, read: Account, written: Pair[], cost: number): Promise<AssignResult> {
  const perCourse: Record<string, number> = {};
  for (const p of written) perCourse[p.code] = (perCourse[p.code] ?? 0) + 1;
  const pairList = written.length <= pairListLimit ? written.map((p) => `${p.code}:${p.loginId}`) : undefined;
  let account = read;
  for (let attempt = 0; attempt < 5; attempt++) {
    const charge = planCharge(account, cost);
    if (!charge) throw new ValidationError(notEnoughUnits); // the balance was lowered meanwhile
    const outcome = await commitOperation(tenantId, op, {
      expectedAvailable: account.unitsAvailable,
      ...charge,
      cost,
      perCourse,
      pairs: written.length,
      pairList,
      at: new Date().toISOString(),
    });
    if (outcome === 'committed') return { opId: op.opId, pairs: written.length, unitsCharged: cost, unitsOwed: charge.owe };
    // Our lease ran out and the operation was undone by someone else: the client may retry.
    if (outcome === 'lost') throw new ServiceUnavailableError();
    account = (await getAccount(tenantId)) ?? account; // a grant changed the balance: plan again
  }
  throw new ServiceUnavailableError();
}
