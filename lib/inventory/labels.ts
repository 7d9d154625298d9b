/**
 * The `inventory_location` a unit shows, `"<location> - <sublocation>"`, is resolved from the
 * current names when the unit is read, so renaming a location or sublocation is one small
 * transaction and every unit there shows the new name at once, whatever their number
 * (docs/REFERENCE-DATA.md). The label stored on a unit is what it was when the unit was last
 * written: its log entries keep it as history.
 *
 * Names are cached per warm Lambda and checked against the tenant's labels version (bumped by
 * every rename, in the rename's transaction) on each use: one tiny GetItem, started with the
 * request's first read so it adds no round trip. Only after a rename (or for a sublocation not
 * seen yet) are the names read again: one BatchGet of the page's sublocations and locations.
 * Which location a sublocation belongs to never changes, so that part is never re-read.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/batch';
import { db } from '../db/client';
import { tableName } from '../db/tables';
import { keys, type Item, type Key } from './keys';

interface Names {
  version: number;
  /** sublocation id -> its location id (immutable) */
  locationOf: Map<number, number>;
  subNames: Map<number, string>;
  locNames: Map<number, string>;
}

const cache = new Map<string, Names>();
const CACHE_TENANTS = 1000;

const table = () => tableName('inventory');
const num = (v: unknown) => Number(String(v ?? 0));

async function readVersion(tenantId: string): Promise<number> {
  const { Item } = await db().send(
    new GetCommand({
      TableName: table(),
      Key: keys.refCounters(tenantId),
      ProjectionExpression: 'labels',
      ConsistentRead: true,
    }),
  );
  return num(Item?.labels);
}

async function batchGet(list: Key[]): Promise<Item[]> {
  return batchGetAll(table(), list, { consistentRead: true, projection: 'id, #n, location_id, sk', names: { '#n': 'name' } });
}

function remember(names: Names, items: Item[]) {
  for (const item of items) {
    if (item.sk === 'SUBLOC') {
      names.subNames.set(num(item.id), String(item.name));
      names.locationOf.set(num(item.id), num(item.location_id));
    } else if (item.sk === 'LOC') names.locNames.set(num(item.id), String(item.name));
  }
}

export interface LabelResolver {
  /** Current labels of these sublocations (a sublocation that does not exist is left out). */
  labels(sublocationIds: number[]): Promise<Map<number, string>>;
}

/** Starts the version read now (with the request's other reads); `labels` finishes the job. */
export function labelResolver(tenantId: string): LabelResolver {
  const version = readVersion(tenantId);
  version.catch(() => undefined); // awaited in labels(); not an unhandled rejection meanwhile
  return {
    async labels(ids) {
      const v = await version;
      let names = cache.get(tenantId);
      if (!names || names.version !== v) {
        names = { version: v, locationOf: names?.locationOf ?? new Map(), subNames: new Map(), locNames: new Map() };
        if (cache.size >= CACHE_TENANTS) cache.clear();
        cache.set(tenantId, names);
      }
      const wanted = [...new Set(ids)];
      const subKeys = wanted.filter((id) => !names.subNames.has(id)).map((id) => keys.sublocation(tenantId, id));
      const locIds = new Set(wanted.flatMap((id) => (names.locationOf.has(id) ? [names.locationOf.get(id)!] : [])));
      const locKeys = [...locIds].filter((id) => !names.locNames.has(id)).map((id) => keys.location(tenantId, id));
      if (subKeys.length + locKeys.length > 0) remember(names, await batchGet([...subKeys, ...locKeys]));
      // Sublocations seen for the first time: their locations, in a second read.
      const unknownLocs = [...new Set(wanted.flatMap((id) => (names.locationOf.has(id) ? [names.locationOf.get(id)!] : [])))]
        .filter((id) => !names.locNames.has(id));
      if (unknownLocs.length > 0) remember(names, await batchGet(unknownLocs.map((id) => keys.location(tenantId, id))));
      const out = new Map<number, string>();
      for (const id of wanted) {
        const sub = names.subNames.get(id);
        const loc = names.locNames.get(names.locationOf.get(id) ?? -1);
        if (sub !== undefined && loc !== undefined) out.set(id, `${loc} - ${sub}`);
      }
      return out;
    },
  };
}

/** Forgets a tenant's names (after a rename in this process; other processes see the version). */
export function forgetLabels(tenantId: string): void {
  cache.delete(tenantId);
}

/** Units with the label of their sublocation as it is now. */
export async function withCurrentLabels<T extends { inventory_sublocation_id: number; inventory_location: string }>(
  resolver: LabelResolver,
  units: T[],
): Promise<T[]> {
  const labels = await resolver.labels(units.map((u) => u.inventory_sublocation_id));
  return units.map((u) => ({ ...u, inventory_location: labels.get(u.inventory_sublocation_id) ?? u.inventory_location }));
}
