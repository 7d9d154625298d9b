/** Pieces every inventory operation uses: the owned unit, the tenant's currency, optimistic retries. */
import { getTenant } from '../auth/credentials';
import { NotFoundError, ServiceUnavailableError, ValidationError } from '../errors';
import type { Sublocation } from './keys';
import type { InventoryUnit } from './model';
import { getSublocation, getUnit, WriteConflict } from './repository';

/** A unit of another part, or of another tenant, is answered exactly like a missing one. */
export async function ownedUnit(tenantId: string, partId: number, id: number): Promise<InventoryUnit> {
  const unit = await getUnit(tenantId, id);
  if (!unit || unit.part_id !== partId) throw new NotFoundError();
  return unit;
}

export async function existingSublocation(tenantId: string, id: number): Promise<Sublocation> {
  const sublocation = await getSublocation(tenantId, id);
  if (!sublocation) throw new ValidationError('inventory_sublocation_id must be an existing inventory sublocation');
  return sublocation;
}

// The currency is on every response but almost never changes: remember it briefly per warm Lambda.
const currencyCache = new Map<string, { currency: string; at: number }>();
const CURRENCY_TTL_MS = 60_000;

export async function currencyOf(tenantId: string): Promise<string> {
  const hit = currencyCache.get(tenantId);
  if (hit && Date.now() - hit.at < CURRENCY_TTL_MS) return hit.currency;
  const currency = (await getTenant(tenantId))?.currency ?? 'USD';
  if (currencyCache.size > 1000) currencyCache.clear();
  currencyCache.set(tenantId, { currency, at: Date.now() });
  return currency;
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
 * Jittered, growing pauses spread out a crowd of writers; after MAX_ATTEMPTS the client is
 * told to retry (503), with nothing written.
 */
const MAX_ATTEMPTS = 40;

export async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof WriteConflict)) throw err;
      if (i >= MAX_ATTEMPTS) throw new ServiceUnavailableError({ cause: err });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 10 * 2 ** Math.min(i, 6))));
    }
  }
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
