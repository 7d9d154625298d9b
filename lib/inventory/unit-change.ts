/**
 * What every change to inventory units shares: the owned unit and sublocation lookups (404 /
 * 422), optimistic retries, the per-unit queue, and the plain "change one unit and log it"
 * write that adjust and move make.
 */
import { withRetry } from '../db/retry';
import { NotFoundError, ServiceUnavailableError, ValidationError } from '../errors';
import { subtractDecimals } from './decimal';
import type { Sublocation } from './model';
import { logEntry, timestamp, type InventoryUnit, type RecordType } from './model';
import { getSublocation, getUnit, readUnitWithPartListCount } from './repository';
import { commitUnitWrites, WriteConflict } from './repository-writes';

/** A unit of another part, or of another tenant, is answered exactly like a missing one. */
export async function ownedUnit(tenantId: string, partId: number, id: number): Promise<InventoryUnit> {
  const unit = await getUnit(tenantId, id);
  if (!unit || unit.part_id !== partId) throw new NotFoundError();
  return unit;
}

/** ownedUnit, and the list count of its part a new unit is appended under (split). */
export async function ownedUnitWithPartListCount(tenantId: string, partId: number, id: number) {
  const { unit, partList } = await readUnitWithPartListCount(tenantId, id, partId);
  if (!unit || unit.part_id !== partId) throw new NotFoundError();
  return { unit, partList };
}

export async function existingSublocation(tenantId: string, id: number): Promise<Sublocation> {
  const sublocation = await getSublocation(tenantId, id);
  if (!sublocation) throw new ValidationError('inventory_sublocation_id must be an existing inventory sublocation');
  return sublocation;
}

/**
 * Starts a lookup that retried attempts will await later: marks it handled now, so a
 * rejection that happens while the request waits in the unit's queue is not reported as
 * unhandled (awaiting it still throws).
 */
export function early<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Like Promise.all (all run at once), but a failure is reported in argument order, so
 * "unknown unit" (404) deterministically wins over "unknown sublocation" (422).
 */
export async function allInOrder<T extends readonly unknown[] | []>(
  promises: T,
): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const settled = (await Promise.allSettled(promises)) as PromiseSettledResult<unknown>[];
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as never;
}

/**
 * Runs read-compute-write `attempt`s until one commits. Each attempt reads the unit and
 * writes conditioned on the version it read, so a concurrent change makes it start over
 * instead of overwriting: this is what keeps stock exact across Lambda containers.
 * Jittered, growing pauses (lib/db/retry) spread out a crowd of writers; after 40 attempts
 * the client is told to retry (503), with nothing written.
 */
export function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  return withRetry(attempt, {
    attempts: 40,
    baseMs: 10,
    capMs: 400,
    retryIf: (err) => err instanceof WriteConflict,
    onExhausted: (err) => new ServiceUnavailableError({ cause: err }),
  });
}

/**
 * Changes one existing unit: `retrying(attempt)`, queued behind this process's other
 * changes to the same unit. The queue is only an optimisation for one process serving
 * overlapping requests (serverless-offline, tests): there, writers on one unit would
 * otherwise collide on every attempt and pay DynamoDB round trips for nothing. Correctness
 * never depends on it; across processes the version condition decides.
 */
const queues = new Map<string, Promise<unknown>>();

export function changingUnit<T>(tenantId: string, unitId: number, attempt: () => Promise<T>): Promise<T> {
  const key = `${tenantId}#${unitId}`;
  const run = (queues.get(key) ?? Promise.resolve()).then(() => retrying(attempt));
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/** Writes the unit with what `change` sets, and its log entry, conditioned on the version read. */
export async function changeUnit(
  tenantId: string,
  before: InventoryUnit,
  recordId: number,
  change: { record_type: RecordType; comment: string | null; quantity?: string } & Partial<InventoryUnit>,
): Promise<InventoryUnit> {
  const { record_type, comment, ...fields } = change;
  const now = timestamp();
  const after: InventoryUnit = { ...before, ...fields, updated_at: now, version: before.version + 1 };
  const quantityChange = subtractDecimals(after.quantity, before.quantity);
  await commitUnitWrites(tenantId, [{ before, after, records: [logEntry(recordId, after, record_type, quantityChange, comment, now)] }]);
  return after;
}
