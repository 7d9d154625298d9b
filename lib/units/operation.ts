/**
 * An operation's life: begin (take the tenant's claim under a short lease, record the operation
 * as pending), keep the lease alive while working, then commit (assign.ts) or undo. A holder
 * that died stops renewing; a few seconds later its lease has lapsed and the next assign of
 * the tenant (or the daily reconcile job, through recoverPendingOperations) undoes it from its
 * journal. docs/UNITS.md has the argument.
 */
import { randomUUID } from 'node:crypto';
import { withRetry } from '../db/retry';
import { ServiceUnavailableError } from '../errors';
import { log } from '../log';
import { operationSk } from './keys';
import type { Claim, Operation } from './model';
import { getAccount, getOperation } from './repository';
import { chunk } from '../db/concurrency';
import { bucketsPerUndo, readJournal, undoBuckets, type BucketAdd } from './repository-assign';
import { takeClaim, clearClaim, markAborting, releaseOperation, renewClaim } from './repository-claim';
import { groupByBucket } from './repository-buckets';

/** How long a lease lasts unless renewed. */
export const defaultLeaseMs = 5_000;
/** No write starts with less than this left of the lease (less for a shorter lease), so none lands after it lapsed. */
export const leaseMarginMs = 1_500;
/** Bucket transactions (writes and their undo) in flight at once, and buckets per transaction. */
export const writeConcurrency = 8;
export const bucketsPerTransaction = 100;

export interface BeginOptions {
  leaseMs?: number;
  /** Time left in the invocation: the lease is not renewed past it. */
  remainingMs?: () => number;
  /** How long to wait for another operation of the tenant before answering 503. */
  maxWaitMs?: number;
}

/**
 * The claim as its holder keeps it, its lease renewed as the operation works: every step calls `keep`, which renews it
 * once a third of it is used up (never on a timer, so a holder that hangs or dies stops
 * renewing, and a quick operation makes no renewal at all). A holder past its invocation's
 * deadline renews no more. Lost when a renewal finds the claim taken over or an undo begun
 * (`lock_aborting`: a recovery after the lease lapsed): nothing more may be written then, so
 * every write of the holder follows its journal and precedes the recovery's read of it.
 */
export class HeldClaim {
  private until: number;
  private lost = false;
  private renewing?: Promise<void>;

  constructor(
    private readonly tenantId: string,
    private readonly op: Pick<Operation, 'opId' | 'sk'>,
    until: number,
    private readonly leaseMs: number,
    private readonly remainingMs: () => number,
  ) {
    this.until = until;
  }

  /** Renews the lease if a third of it is used up; concurrent callers share one renewal. */
  async keep(): Promise<void> {
    if (this.lost || this.until - Date.now() > (this.leaseMs * 2) / 3 || this.remainingMs() <= 0) return;
    this.renewing ??= this.renew().finally(() => {
      this.renewing = undefined;
    });
    await this.renewing;
  }

  private async renew(): Promise<void> {
    const until = Date.now() + this.leaseMs;
    if (await renewClaim(this.tenantId, this.op, until)) this.until = until;
    else this.lost = true;
  }

  /** A write may start: the claim is ours and the lease has more than `marginMs` left. */
  holds(marginMs = Math.min(leaseMarginMs, this.leaseMs * 0.3)): boolean {
    return !this.lost && this.until - Date.now() > marginMs;
  }
}

/** Another operation of the tenant holds its claim: wait and try again. */
class TenantBusy extends Error {}

/**
 * Waits for the tenant's claim (recovering a holder whose lease lapsed) and records a pending
 * operation for `what`. 503 if the tenant stays busy for `maxWaitMs`.
 */
export async function beginOperation(
  tenantId: string,
  what: Pick<Operation, 'courseCodes' | 'loginIds' | 'who'>,
  options: BeginOptions = {},
): Promise<{ op: Operation; claim: HeldClaim }> {
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const opId = randomUUID();
  // Each refused try throws TenantBusy; after maxWaitMs the last one is a 503.
  return withRetry(
    async (attempt) => {
      if (attempt > 1) {
        // Waiters poll with a read: cheaper than a failed transaction, and it does not contend
        // with the holder's commit on the account item.
        const claim = (await getAccount(tenantId))?.claim;
        if (claim && claim.until > Date.now()) throw new TenantBusy();
        if (claim) await recoverHolder(tenantId, claim);
      }
      const now = Date.now();
      const createdAt = new Date(now).toISOString();
      const op: Operation = { ...what, opId, sk: operationSk(createdAt, opId), status: 'pending', createdAt };
      const { acquired, holder } = await takeClaim(tenantId, op, now + leaseMs);
      if (acquired) return { op, claim: new HeldClaim(tenantId, op, now + leaseMs, leaseMs, options.remainingMs ?? (() => Infinity)) };
      if (holder && holder.until <= now) await recoverHolder(tenantId, holder);
      throw new TenantBusy();
    },
    {
      attempts: Infinity,
      until: Date.now() + maxWaitMs,
      capMs: 100,
      retryIf: (err) => err instanceof TenantBusy,
      onExhausted: () => new ServiceUnavailableError(),
    },
  );
}

/** The journal as bucket writes. */
function addsOf(journal: Map<string, number[]>): BucketAdd[] {
  return [...journal].flatMap(([code, ids]) => [...groupByBucket(ids)].map(([bucket, group]) => ({ code, bucket, ids: group })));
}

/**
 * Undoes `op`: pending -> aborting first (so no late commit can happen any more; an operation
 * found committed, whose commit answer was lost, is kept), then every bucket write it may have
 * sent is removed and fenced, then claim and status are released. `sent` is known to the
 * holder itself; a recovery reads the journal. Idempotent: recoverers and the holder may run
 * it at once.
 */
export async function undoOperation(tenantId: string, op: Operation, reason: string, sent?: BucketAdd[]): Promise<'committed' | 'aborted'> {
  const status = await markAborting(tenantId, op);
  if (status === 'committed') return 'committed';
  if (status === 'aborted') return 'aborted';
  const adds = sent ?? addsOf(await readJournal(tenantId, op.opId, op.courseCodes));
  // One transaction at a time: each checks the operation item, and concurrent transactions on
  // one item conflict. Stops as soon as the operation is no longer aborting (another undoer
  // released it: from then on a later operation may own the same pairs).
  for (const group of chunk(adds, bucketsPerUndo)) {
    if ((await undoBuckets(tenantId, op, group)) === 'stale') return 'aborted';
  }
  await releaseOperation(tenantId, op, reason, new Date().toISOString());
  return 'aborted';
}

/**
 * Undo after a failure in this process. If the undo itself fails the operation stays pending
 * (or aborting) with its claim held; the next request after the lease undoes it from the journal
 * (`unknown`: whether a commit whose answer was lost applied is not known then).
 */
export async function abortOperation(tenantId: string, op: Operation, sent: BucketAdd[], cause: unknown): Promise<'committed' | 'aborted' | 'unknown'> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  try {
    return await undoOperation(tenantId, op, reason, sent);
  } catch (err) {
    log({ level: 'error', msg: 'units undo failed', tenantId, opId: op.opId, error: (err as Error).message });
    // Possibly not even marked aborting: a commit whose answer was lost may have applied.
    return 'unknown';
  }
}

async function recoverHolder(tenantId: string, claim: Claim, op?: Operation): Promise<void> {
  const current = op ?? (await getOperation(tenantId, claim.sk));
  if (!current) return clearClaim(tenantId, claim.opId); // one transaction creates both: should not happen
  await undoOperation(tenantId, current, 'recovered: the operation did not finish');
  log({ level: 'warn', msg: 'units operation recovered', tenantId, opId: current.opId });
}

/**
 * Undoes the tenant's pending operation if it was created more than `olderThanMs` ago and its
 * lease has run out (a live holder is never touched). Returns the ids of operations undone.
 */
export async function recoverPendingOperations(tenantId: string, olderThanMs: number): Promise<string[]> {
  const now = Date.now();
  const claim = (await getAccount(tenantId))?.claim;
  if (!claim || claim.until > now) return [];
  const op = await getOperation(tenantId, claim.sk);
  if (op && Date.parse(op.createdAt) > now - olderThanMs) return [];
  await recoverHolder(tenantId, claim, op);
  return [claim.opId];
}
