/**
 * An operation's life: begin (take the tenant's lock, record the operation as pending), then
 * commit (repository-operations.ts) or undo. A holder that died leaves its lock and a pending
 * operation; once the lease has run out, the next assign for the tenant (or the daily
 * reconcile job, through recoverPendingOperations) undoes it. docs/UNITS.md has the argument.
 */
import { randomUUID } from 'node:crypto';
import { ServiceUnavailableError } from '../errors';
import { log } from '../log';
import { backoffMs, sleep } from '../db/retry';
import { operationSk } from './keys';
import type { Lock, Operation, Pair } from './model';
import { findAssignments, getAccount, getOperation, pairId } from './repository';
import { acquireLock, clearLock, markAborting, releaseOperation } from './repository-operations';
import { removePairs } from './writer';

/** How long a holder may keep the lock. Longer than a Lambda can run (29 s here). */
export const defaultLeaseMs = 60_000;
/** The holder starts no new write this close to the end of its lease. */
export const leaseMarginMs = 15_000;
/**
 * How long a request waits for another operation of its tenant before answering 503. In
 * Lambda short enough to leave most of the request's time budget (lib/units/assign.ts) for
 * its own work; elsewhere nothing stops the process, so waiting longer is harmless.
 */
export const defaultMaxWaitMs = process.env.AWS_LAMBDA_FUNCTION_NAME ? 10_000 : 60_000;

export interface BeginOptions {
  leaseMs?: number;
  maxWaitMs?: number;
}

export interface Begun {
  op: Operation;
  /** The holder's own deadline for starting writes (epoch ms). */
  deadline: number;
}

export function cartesian(codes: string[], ids: number[]): Pair[] {
  return codes.flatMap((code) => ids.map((loginId) => ({ code, loginId })));
}

/**
 * Waits for the tenant's lock (recovering a holder whose lease ran out) and records a pending
 * operation for `what`. 503 if the tenant stays busy for `maxWaitMs`.
 */
export async function beginOperation(
  tenantId: string,
  what: Pick<Operation, 'courseCodes' | 'loginIds' | 'who'>,
  options: BeginOptions = {},
): Promise<Begun> {
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const maxWaitMs = options.maxWaitMs ?? defaultMaxWaitMs;
  const opId = randomUUID();
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      if (Date.now() - started >= maxWaitMs) throw new ServiceUnavailableError();
      await sleep(backoffMs(attempt, { capMs: 100 }));
      // Waiters poll with a read: cheaper than a failed transaction, and it does not contend
      // with the holder's commit on the account item.
      const lock = (await getAccount(tenantId))?.lock;
      if (lock && lock.until > Date.now()) continue;
      if (lock) await recoverHolder(tenantId, lock);
    }
    const now = Date.now();
    const createdAt = new Date(now).toISOString();
    const op: Operation = { ...what, opId, sk: operationSk(createdAt, opId), status: 'pending', createdAt };
    const { acquired, holder } = await acquireLock(tenantId, op, now + leaseMs);
    if (acquired) return { op, deadline: now + leaseMs - leaseMarginMs };
    if (holder && holder.until <= now) await recoverHolder(tenantId, holder);
  }
}

/**
 * Undo after a failure in this process: `attempted` holds every pair a write was sent for.
 * First pending -> aborting, as a recovery does: a commit whose answer was lost (the
 * connection dropped after DynamoDB applied it) shows up here as `committed`, and is then
 * kept, never undone; otherwise no late commit can happen any more. Returns the outcome.
 */
export async function abortOperation(
  tenantId: string,
  op: Operation,
  attempted: Pair[],
  cause: unknown,
): Promise<'committed' | 'aborted'> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  try {
    if ((await markAborting(tenantId, op)) === 'committed') return 'committed';
    await removePairs(tenantId, op.opId, attempted);
    await releaseOperation(tenantId, op, reason, new Date().toISOString());
  } catch (err) {
    // The operation stays pending (or aborting) and locked; the next request after the lease undoes it.
    log({ level: 'error', msg: 'units undo failed', tenantId, opId: op.opId, error: (err as Error).message });
  }
  return 'aborted';
}

/**
 * Undoes an operation nobody is running any more: first pending -> aborting (so a late
 * commit by the holder fails), then its assignments, then lock and status. Idempotent.
 */
async function undoAbandoned(tenantId: string, op: Operation): Promise<void> {
  const status = await markAborting(tenantId, op);
  if (status === 'committed' || status === 'aborted') return;
  // The crashed holder may have written any of the candidate pairs: look, then remove its own.
  const candidates = cartesian(op.courseCodes, op.loginIds);
  const owners = await findAssignments(tenantId, candidates);
  const ours = candidates.filter((p) => owners.get(pairId(p)) === op.opId);
  await removePairs(tenantId, op.opId, ours);
  await releaseOperation(tenantId, op, 'recovered: the operation did not finish', new Date().toISOString());
  log({ level: 'warn', msg: 'units operation recovered', tenantId, opId: op.opId, removed: ours.length });
}

async function recoverHolder(tenantId: string, lock: Lock, op?: Operation): Promise<void> {
  const current = op ?? (await getOperation(tenantId, lock.sk));
  if (current) await undoAbandoned(tenantId, current);
  else await clearLock(tenantId, lock.opId); // one transaction creates both: should not happen
}

/**
 * Undoes the tenant's pending operation if it was created more than `olderThanMs` ago and its
 * lease has run out (a live holder is never touched). Returns the ids of operations undone.
 */
export async function recoverPendingOperations(tenantId: string, olderThanMs: number): Promise<string[]> {
  const now = Date.now();
  const lock = (await getAccount(tenantId))?.lock;
  if (!lock || lock.until > now) return [];
  const op = await getOperation(tenantId, lock.sk);
  if (op && Date.parse(op.createdAt) > now - olderThanMs) return [];
  await recoverHolder(tenantId, lock, op);
  return [lock.opId];
}
