/**
 * The `inventory_location` a unit shows, `"<location> - <sublocation>"`, is resolved from the
 * current names when the unit is read, so renaming a location or sublocation is one small
 * transaction and every unit there shows the new name at once, whatever their number
 * (docs/REFERENCE-DATA.md). Every unit read and write path renders through here; a unit write
 * also stores the current label, so its log entry keeps the name of the place at that time.
 *
 * Names are cached per warm Lambda and checked against the tenant's labels version (bumped by
 * every rename, in the rename's transaction). The version itself is read at most once per
 * VERSION_TTL_MS per tenant and warm Lambda (one tiny GetItem, started with the request's first
 * read so it adds no round trip): a warm show is one read, and the version item, which every
 * read path of a tenant would otherwise read, is not a hot key. **Staleness bound:** a rename
 * made by another Lambda shows on every path within VERSION_TTL_MS (1 s); the Lambda that made
 * it shows it at once (forgetLabels). Only after a rename (or for a sublocation not seen yet)
 * are the names read again: one BatchGet of the page's sublocations and locations. Which
 * location a sublocation belongs to never changes, so that part is never re-read.
 *
 * Search on `inventory_location` matches the current labels through `directory()`: every
 * sublocation's label, read from the tenant's location list (one Query of O(places) items),
 * cached until the labels version or the number of sublocations changes (search.ts). The list
 * is a GSI (eventually consistent): it is kept only when it holds every sublocation the counter
 * has handed out and the last rename is older than SETTLE_MS, so a list read while a rename was
 * still on its way to the index is used once, never cached. Its names never feed `labels()`,
 * which reads the items themselves, strongly consistent.
 */
import { warmCache } from '../warm-cache';
import { keys, type Item } from './keys';
import { readLabelVersions as readVersions, readNameItems as batchGet, readPlaceList, type Versions } from './repository-labels';

interface Names {
  version: number;
  /** sublocation id -> its location id (immutable) */
  locationOf: Map<number, number>;
  subNames: Map<number, string>;
  locNames: Map<number, string>;
  /** Every sublocation's label, when read whole for this version and this many sublocations. */
  directory?: { sublocations: number; labels: Map<number, string> };
}


/** How long after a rename the place list (a GSI) may still show the old name; DynamoDB's index lag is usually well under a second. */
const SETTLE_MS = 5_000;

const cache = new Map<string, Names>();
const CACHE_TENANTS = 1000;

/** How long a warm Lambda trusts the labels version it read: the staleness bound of a rename made elsewhere. */
export const VERSION_TTL_MS = 1_000;
const versionCache = warmCache<Versions>({ ttlMs: VERSION_TTL_MS, max: CACHE_TENANTS });

const num = (v: unknown) => Number(String(v ?? 0));

/** The tenant's versions: read once per VERSION_TTL_MS, from this warm Lambda's cache in between. */
function versionsOf(tenantId: string): Promise<Versions> {
  const cached = versionCache.get(tenantId);
  if (cached) return Promise.resolve(cached);
  return readVersions(tenantId).then((v) => {
    versionCache.set(tenantId, v);
    return v;
  });
}

/** Every listed sublocation's label, from the tenant's location list (keys.ts: locations, each followed by its sublocations). */
async function readDirectory(tenantId: string): Promise<{ sublocations: number; labels: Map<number, string> }> {
  const items = await readPlaceList(tenantId);
  const locations = new Map(items.filter((i) => i.sk === 'LOC').map((i) => [num(i.id), String(i.name)]));
  const subs = items.filter((i) => i.sk === 'SUBLOC');
  const labels = new Map<number, string>();
  for (const sub of subs) {
    const location = locations.get(num(sub.location_id));
    if (location !== undefined) labels.set(num(sub.id), `${location} - ${String(sub.name)}`);
  }
  return { sublocations: subs.length, labels };
}

function remember(names: Names, items: Item[]) {
  for (const item of items) {
    if (item.sk === 'SUBLOC') {
      names.subNames.set(num(item.id), String(item.name));
      names.locationOf.set(num(item.id), num(item.location_id));
    } else if (item.sk === 'LOC') names.locNames.set(num(item.id), String(item.name));
  }
}

function labelOf(names: Names, id: number): string | undefined {
  const sub = names.subNames.get(id);
  const loc = names.locNames.get(names.locationOf.get(id) ?? -1);
  return sub !== undefined && loc !== undefined ? `${loc} - ${sub}` : undefined;
}

/** The tenant's cached names, started afresh when the labels version moved. */
function namesAt(tenantId: string, version: number): Names {
  let names = cache.get(tenantId);
  if (!names || names.version !== version) {
    names = { version, locationOf: names?.locationOf ?? new Map(), subNames: new Map(), locNames: new Map() };
    if (cache.size >= CACHE_TENANTS) cache.clear();
    cache.set(tenantId, names);
  }
  return names;
}

export interface LabelResolver {
  /** Current labels of these sublocations (a sublocation that does not exist is left out). */
  labels(sublocationIds: number[]): Promise<Map<number, string>>;
  /** The current label of one sublocation, or `fallback` (the label stored on the unit) if it is gone. */
  label(sublocationId: number, fallback: string): Promise<string>;
  /** Every listed sublocation's current label (search on inventory_location). */
  directory(): Promise<Map<number, string>>;
  /**
   * The place list this process holds, not yet checked against the version: search may start
   * on it while the version is read; `directory()` answers this very map when it still holds.
   */
  cachedDirectory(): Map<number, string> | undefined;
}

/** Starts the version read now (with the request's other reads); the methods finish the job. */
export function labelResolver(tenantId: string): LabelResolver {
  const versions = versionsOf(tenantId);
  versions.catch(() => undefined); // awaited by the methods; not an unhandled rejection meanwhile
  const resolver: LabelResolver = {
    async labels(ids) {
      const names = namesAt(tenantId, (await versions).labels);
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
        const label = labelOf(names, id);
        if (label !== undefined) out.set(id, label);
      }
      return out;
    },
    async label(id, fallback) {
      return (await resolver.labels([id])).get(id) ?? fallback;
    },
    async directory() {
      // Nothing cached (a cold Lambda): the list is read beside the version, not after it.
      const early = cache.get(tenantId)?.directory ? undefined : readDirectory(tenantId);
      early?.catch(() => undefined); // awaited below
      const v = await versions;
      const names = namesAt(tenantId, v.labels);
      if (names.directory?.sublocations === v.sublocations) return names.directory.labels;
      const read = await (early ?? readDirectory(tenantId));
      const settled = Date.now() - v.labelsAt > SETTLE_MS && read.sublocations >= v.sublocations;
      if (settled) names.directory = { sublocations: v.sublocations, labels: read.labels };
      return read.labels;
    },
    cachedDirectory: () => cache.get(tenantId)?.directory?.labels,
  };
  return resolver;
}

/** Forgets a tenant's names and version (after a rename or a new place in this process; others see the version within VERSION_TTL_MS). */
export function forgetLabels(tenantId: string): void {
  cache.delete(tenantId);
  versionCache.delete(tenantId);
}

/** Units with the label of their sublocation as it is now. */
export async function withCurrentLabels<T extends { inventory_sublocation_id: number; inventory_location: string }>(
  resolver: LabelResolver,
  units: T[],
): Promise<T[]> {
  const labels = await resolver.labels(units.map((u) => u.inventory_sublocation_id));
  return units.map((u) => ({ ...u, inventory_location: labels.get(u.inventory_sublocation_id) ?? u.inventory_location }));
}

/** Forgets only a tenant's labels version, as if VERSION_TTL_MS had passed (tests). */
export function forgetLabelsVersion(tenantId: string): void {
  versionCache.delete(tenantId);
}
