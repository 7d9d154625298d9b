/**
 * Assigning courses to logins, paid in units (SPEC 5.1). The steps, and why they are safe at
 * any size and under concurrency, are in docs/UNITS.md:
 *   1. every code and login must exist (422 otherwise, nothing written); a large request whose
 *      fingerprint an earlier commit recorded is known to exist and be assigned whole: it
 *      skips this check and the plan's reads (fingerprint.ts);
 *   2. take the tenant's claim (a short lease, renewed while working) with a pending operation;
 *   3. plan: read the buckets of the candidate pairs, price the new ones, refuse (422) if the
 *      balance cannot pay;
 *   4. a large operation journals its new pairs, then adds them to their buckets (set union,
 *      fenced against a late arrival after an undo);
 *   5. commit: debit, counts, ledger entry and claim release in one transaction, which also
 *      carries the bucket adds of a small operation and the request's fingerprint.
 * Any failure after 2 removes what 4 wrote and releases the claim, then rethrows.
 */
import { chunk, forEachLimit, mapLimit } from '../db/concurrency';
import { ChangedMeanwhile } from '../db/refusals';
import { withRetry } from '../db/retry';
import { remainingTimeOf } from '../deadline';
import { notApplied, ServiceUnavailableError, ValidationError } from '../errors';
import { notEnoughUnits, planCharge } from './balance';
import { assignmentsPk } from './keys';
import type { Account, Course, Operation } from './model';
import { abortOperation, beginOperation, bucketsPerTransaction, writeConcurrency, type BeginOptions, type HeldClaim } from './operation';
import { findLogins, getAccount, getCourses } from './repository';
import { pairsFingerprint } from './fingerprint';
import { commitOperation, fingerprintRecorded, putJournal, writeBuckets, type BucketAdd } from './repository-assign';
import { groupByBucket, readBuckets } from './repository-buckets';

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

/** Where a test may inject a fault: `fail` throws (and is undone), `kill` stops the process dead. */
export type Step = 'claimed' | 'planned' | 'journaled' | `write:${number}` | 'commit';
export type Fault = 'fail' | 'kill' | undefined;

/** Thrown for an injected `kill`: nothing after it runs, as if the process had died. */
export class Killed extends Error {}

export interface AssignOptions extends BeginOptions {
  /** Recorded in the ledger entry as part of "who". */
  requestId?: string;
  /**
   * Time left in the invocation: the Lambda context's (the handler's ctx.remainingTimeMs).
   * No write starts unless the time left covers undoing every write so far, plus the commit.
   */
  remainingMs?: () => number;
  /** Test-only fault injection, called at each step. */
  faults?: (step: Step) => Fault | Promise<Fault>;
  /** Buckets per write transaction (default 100); tests cut an operation into more of them. */
  bucketsPerTransaction?: number;
}

/** Ledger entries list the pairs themselves up to this many; larger ones keep per-course counts and journals. */
const pairListLimit = 1000;
/** A transaction holds 100 items: the account and the operation, and up to this many buckets (one fewer with a fingerprint). */
const maxBucketsInCommit = 98;
/** Time kept for the commit (or the last undo step) after the last write. */
const commitReserveMs = 2_000;
/** Time kept for the operation's own work when waiting for the claim. */
const workReserveMs = 12_000;

/** Plan reads (one Query per course) in flight at once. */
const readConcurrency = 32;

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

export async function assignUnits(tenantId: string, request: AssignRequest, options: AssignOptions = {}): Promise<AssignResult> {
  const remaining = options.remainingMs ?? remainingTimeOf();
  const codes = unique(request.courseCodes);
  const ids = unique(request.loginIds);
  const fingerprint = pairsFingerprint(codes, ids);
  // Recorded: every pair exists (so every code and login does), and nothing is left to charge.
  const allAssigned = fingerprint !== undefined && (await fingerprintRecorded(tenantId, fingerprint));
  const courses = allAssigned ? new Map<string, Course>() : await checkReferences(tenantId, codes, ids);
  const who = { tenant: tenantId, credential: 'units', ...(options.requestId ? { request: options.requestId } : {}) };
  const maxWaitMs = options.maxWaitMs ?? Math.max(0, remaining() - workReserveMs);
  const { op, claim } = await beginOperation(tenantId, { courseCodes: codes, loginIds: ids, who }, { ...options, maxWaitMs, remainingMs: remaining });
  const work: Work = {
    tenantId, op, courses, claim, remaining, sent: [], fault: faultHook(options.faults),
    perTransaction: options.bucketsPerTransaction ?? bucketsPerTransaction,
    allAssigned, fingerprint: allAssigned ? undefined : fingerprint,
  };
  try {
    return await run(work);
  } catch (err) {
    if (err instanceof Killed) throw err;
    const outcome = await abortOperation(tenantId, op, work.sent, err);
    // The commit was applied and only its answer was lost: answer what it wrote (no read after a commit).
    if (outcome === 'committed' && work.committing) return work.committing;
    // Aborted: the operation can never commit; a retry under the same Idempotency-Key may run.
    throw outcome === 'aborted' ? notApplied(err) : err;
  }
}

interface Work {
  tenantId: string;
  op: Operation;
  courses: Map<string, Course>;
  claim: HeldClaim;
  remaining: () => number;
  /** Every bucket add that may have reached the table: what an undo must remove. */
  sent: BucketAdd[];
  fault: (step: Step) => Promise<void>;
  perTransaction: number;
  /** The request's fingerprint was found: no plan reads, nothing to add or charge. */
  allAssigned: boolean;
  /** To record with the commit (a large request not recorded yet). */
  fingerprint?: string;
  /** The answer of the commit last sent: what a commit whose answer was lost recorded. */
  committing?: AssignResult;
}

function faultHook(faults: AssignOptions['faults']): Work['fault'] {
  return async (step) => {
    const fault = await faults?.(step);
    if (fault === 'kill') throw new Killed(`killed at ${step}`);
    if (fault === 'fail') throw new Error(`injected: failed at ${step}`);
  };
}

interface Plan {
  /** The new pairs, bucket by bucket; consecutive ones belong to different courses. */
  adds: BucketAdd[];
  pairs: number;
  cost: number;
  perCourse: Record<string, number>;
}

/** Steps 3 to 5, holding the claim. */
async function run(w: Work): Promise<AssignResult> {
  await w.fault('claimed');
  const [account, plan] = await Promise.all([getAccount(w.tenantId), w.allAssigned ? nothingNew : planPairs(w)]);
  if (!account) throw new Error('units account missing while its claim is held'); // the claim creates it
  await w.fault('planned');
  await w.claim.keep();
  // Refuse before writing anything. Nobody else spends while we hold the claim; a concurrent
  // grant can only add, and the commit re-checks the balance anyway.
  if (!planCharge(account, plan.cost)) throw new ValidationError(notEnoughUnits);
  const small = plan.adds.length <= maxBucketsInCommit - (w.fingerprint ? 1 : 0) && plan.pairs <= pairListLimit;
  if (!small) await writeLarge(w, plan);
  await w.fault('commit');
  await w.claim.keep();
  if (w.remaining() < commitReserveMs || !w.claim.holds(0)) throw new ServiceUnavailableError();
  return commit(w, account, plan, small ? plan.adds : []);
}

const nothingNew: Plan = { adds: [], pairs: 0, cost: 0, perCourse: {} };

/** The candidate pairs not assigned yet: a consistent read of their buckets, course by course. */
async function planPairs(w: Work): Promise<Plan> {
  const groups = [...groupByBucket(w.op.loginIds)];
  const perCode = await mapLimit(w.op.courseCodes, readConcurrency, async (code) => {
    const stored = await readBuckets(assignmentsPk(w.tenantId, code), groups.map(([b]) => b), true);
    return groups.map(([bucket, ids]) => ({ code, bucket, ids: ids.filter((id) => !stored.get(bucket)?.has(id)) }));
  });
  const adds: BucketAdd[] = [];
  // Bucket-major order, so a transaction's items (and those in flight) are in different courses' partitions.
  for (let i = 0; i < groups.length; i++) for (const course of perCode) if (course[i]!.ids.length > 0) adds.push(course[i]!);
  const perCourse: Record<string, number> = {};
  let cost = 0;
  for (const add of adds) {
    perCourse[add.code] = (perCourse[add.code] ?? 0) + add.ids.length;
    cost += add.ids.length * w.courses.get(add.code)!.unitCost;
  }
  return { adds, pairs: adds.reduce((n, a) => n + a.ids.length, 0), cost, perCourse };
}

/** Step 4 for an operation too large for one transaction: journal, then fenced bucket adds, 100 per transaction. */
async function writeLarge(w: Work, plan: Plan): Promise<void> {
  w.sent = plan.adds; // from the journal on, an undo covers all of them
  const journal = new Map<string, number[]>();
  for (const add of plan.adds) journal.set(add.code, [...(journal.get(add.code) ?? []), ...add.ids]);
  await putJournal(w.tenantId, w.op.opId, journal);
  await w.fault('journaled');
  const started = Date.now();
  await forEachLimit(chunk(plan.adds, w.perTransaction), writeConcurrency, async (adds, i) => {
    await w.fault(`write:${i}`);
    await w.claim.keep();
    // The undo of what was written takes about as long as writing it did: start nothing the
    // time left could not undo, nor anything the lease might not cover.
    if (!w.claim.holds() || w.remaining() - (Date.now() - started) < commitReserveMs) throw new ServiceUnavailableError();
    // Fenced: our lease lapsed and the operation was undone by someone else.
    if (!(await writeBuckets(w.tenantId, w.op, adds))) throw new ServiceUnavailableError();
  });
}

async function commit(w: Work, read: Account, plan: Plan, adds: BucketAdd[]): Promise<AssignResult> {
  const pairList = plan.pairs <= pairListLimit ? plan.adds.flatMap((a) => a.ids.map((id) => `${a.code}:${id}`)) : undefined;
  let account = read;
  // No pause: the lease is running, and the re-read of the balance is the wait.
  return withRetry(
    async () => {
      const charge = planCharge(account, plan.cost);
      if (!charge) throw new ValidationError(notEnoughUnits); // the balance was lowered meanwhile
      w.committing = { opId: w.op.opId, pairs: plan.pairs, unitsCharged: plan.cost, unitsOwed: charge.owe };
      const outcome = await commitOperation(w.tenantId, w.op, {
        expectedAvailable: account.unitsAvailable,
        ...charge,
        cost: plan.cost,
        perCourse: plan.perCourse,
        pairs: plan.pairs,
        pairList,
        at: new Date().toISOString(),
        adds,
        ...(w.fingerprint ? { fingerprint: w.fingerprint } : {}),
      });
      if (outcome === 'committed') return w.committing;
      // Our lease ran out and the operation was undone by someone else: the client may retry.
      if (outcome === 'lost') throw new ServiceUnavailableError();
      account = (await getAccount(w.tenantId)) ?? account; // a grant changed the balance: plan again
      throw new ChangedMeanwhile();
    },
    { attempts: 5, pause: false, retryIf: (err) => err instanceof ChangedMeanwhile, onExhausted: () => new ServiceUnavailableError() },
  );
}
