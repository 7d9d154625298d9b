/**
 * The inventory table's layout: every key is built here and nowhere else; items.ts maps items
 * to and from the domain's values, search-index.ts builds the search items (repository*.ts run
 * the commands; demo.ts and tests put reference data through the builders). Every key starts
 * with the tenant.
 *
 *   pk                              sk               what
 *   T#<t>#PART#<id>                 PART             part: part_number, description
 *   T#<t>#UOM#<id>                  UOM              unit of measure: name
 *   T#<t>#LOC#<id>                  LOC              location: name
 *   T#<t>#SUBLOC#<id>               SUBLOC           sublocation: name, location_id, label "<loc> - <sub>"
 *   T#<t>#UNIT#<id>                 UNIT             inventory unit (model.ts fields + version)
 *   T#<t>#UNIT#<id>                 REC#<version, 0-padded>  its log: one entry per unit version, so
 *                                                    the partition holds it in commit order
 *   T#<t>#ASSET#<asset_id>          ASSET            claims an asset id (written with attribute_not_exists)
 *   T#<t>#COUNTERS                  COUNTERS         unit / record / asset: last value handed out (ADD)
 *   T#<t>#IDX#<field>               <lower value>#<unit id, 0-padded>   search index item: v, u
 *   T#<t>#IDX#sublocation           <sublocation id>#<unit id, 0-padded>  the same for inventory_location
 *   T#<t>#S#<shard 0-f>             <unit id>        search record: every searchable text value of the unit
 *                                                    but inventory_location
 *   T#<t>#LIST                      COUNT            the tenant's unit list: n (units), last (highest id)
 *   T#<t>#LIST                      B#<block, 0-padded>  ids: unit ids at positions block*100 .. +99
 *   T#<t>#LIST#PART#<id>            COUNT / B#<block>    the same list for one part
 *
 * Unit lists number a tenant's (and each part's) units 0, 1, 2... in id order, 100 to a block
 * item, so page N is one or two blocks whatever N, and the count is one item. The count, the
 * highest id and the block are changed in the transaction that creates a unit, conditioned on
 * the count read: positions are dense and in id order (repository-writes.ts).
 */
import type { SearchField } from './model';
import type { Key } from '../db/types';
export type { Item, Key } from '../db/types';

export type CounterName = 'unit' | 'record' | 'asset';
export type RefList = 'PARTS' | 'UOMS' | 'LOCATIONS';
/** The reference data whose names are unique (keys.name). */
export type NamedKind = 'location' | 'sublocation' | 'uom';

/** The tenant's whole unit list, or one part's. */
export type ListScope = 'all' | { part: number };

/** Search record partitions per tenant (hex digit in the key). */
export const SHARDS = 16;
/** Unit ids per list block: a page (at most 100) spans at most two blocks. */
export const LIST_BLOCK = 100;

const pad = (id: number) => String(id).padStart(12, '0');
const t = (tenantId: string) => `T#${tenantId}`;

export const keys = {
  part: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#PART#${id}`, sk: 'PART' }),
  uom: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#UOM#${id}`, sk: 'UOM' }),
  location: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#LOC#${id}`, sk: 'LOC' }),
  sublocation: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#SUBLOC#${id}`, sk: 'SUBLOC' }),
  unit: (tenantId: string, id: number): Key => ({ pk: `${t(tenantId)}#UNIT#${id}`, sk: 'UNIT' }),
  record: (tenantId: string, unitId: number, unitVersion: number): Key => ({
    pk: `${t(tenantId)}#UNIT#${unitId}`,
    sk: `REC#${pad(unitVersion)}`,
  }),
  recordPrefix: 'REC#',
  asset: (tenantId: string, assetId: string): Key => ({ pk: `${t(tenantId)}#ASSET#${assetId}`, sk: 'ASSET' }),
  counters: (tenantId: string): Key => ({ pk: `${t(tenantId)}#COUNTERS`, sk: 'COUNTERS' }),
  // Reference data over HTTP (docs/REFERENCE-DATA.md): its counters (ids, list positions,
  // the labels version), part number claims, and the gsi1 partition each list is read from.
  refCounters: (tenantId: string): Key => ({ pk: `${t(tenantId)}#REFCOUNTERS`, sk: 'REFCOUNTERS' }),
  partNumber: (tenantId: string, partNumber: string): Key => ({ pk: `${t(tenantId)}#PARTNO#${partNumber}`, sk: 'PARTNO' }),
  /**
   * A name claim: names are unique per kind within their scope (a sublocation's is its location;
   * locations and units of measure the tenant), like part numbers (docs/REFERENCE-DATA.md).
   */
  name: (tenantId: string, kind: NamedKind, scope: number, name: string): Key => ({
    pk: `${t(tenantId)}#NAME#${kind}#${scope}#${name}`,
    sk: 'NAME',
  }),
  refList: (tenantId: string, kind: RefList) => `${t(tenantId)}#REFLIST#${kind}`,
  indexPartition: (tenantId: string, field: SearchField) =>
    `${t(tenantId)}#IDX#${field === 'inventory_location' ? 'sublocation' : field}`,
  searchShard: (tenantId: string, shard: number) => `${t(tenantId)}#S#${shard.toString(16)}`,
  searchRecord: (tenantId: string, unitId: number): Key => ({
    pk: keys.searchShard(tenantId, unitId % SHARDS),
    sk: String(unitId),
  }),
  list: (tenantId: string, scope: ListScope) => `${t(tenantId)}#LIST${scope === 'all' ? '' : `#PART#${scope.part}`}`,
  listCount: (tenantId: string, scope: ListScope): Key => ({ pk: keys.list(tenantId, scope), sk: 'COUNT' }),
  listBlock: (tenantId: string, scope: ListScope, block: number): Key => ({
    pk: keys.list(tenantId, scope),
    sk: `B#${pad(block)}`,
  }),
};

// ------------------------------------------------------------------ search index items

/** At most this many UTF-8 bytes of a value go into an index sort key. */
const SORT_PREFIX_BYTES = 800;

/** The longest prefix of `value` within the sort key budget, and whether it is all of it. */
export function sortPrefix(value: string): { prefix: string; whole: boolean } {
  if (Buffer.byteLength(value) <= SORT_PREFIX_BYTES) return { prefix: value, whole: true };
  let prefix = '';
  let bytes = 0;
  for (const ch of value) {
    bytes += Buffer.byteLength(ch);
    if (bytes > SORT_PREFIX_BYTES) break;
    prefix += ch;
  }
  return { prefix, whole: false };
}

export function indexKey(tenantId: string, field: SearchField, value: string, unitId: number): Key {
  return { pk: keys.indexPartition(tenantId, field), sk: `${sortPrefix(value).prefix}#${pad(unitId)}` };
}
