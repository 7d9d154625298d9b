/**
 * Capacity units by AWS's published rules (sources in docs/PERFORMANCE.md, "Capacity model"):
 * - reads: 4 KB units; eventually consistent half; GetItem/BatchGetItem round each item (a
 *   missing item still costs the minimum); Query/Scan sum the sizes of the items evaluated
 *   (before any filter) and round the sum; transactional reads double.
 * - writes: 1 KB units per item, the larger of the item before and after (a delete: the item
 *   before); a failed condition (or a cancelled transaction) still costs the existing item's
 *   size, at least 1; transactional writes double.
 * - global secondary indexes: an index entry added or removed costs one write of the entry's
 *   size; an entry whose key changes costs two (delete + put); an entry whose projected
 *   attributes change costs one (the larger size); an unchanged entry costs nothing. Index
 *   writes are not doubled by transactions (they are applied asynchronously, outside them).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { itemSize, readUnits, writeUnits, type Marshalled } from './size';

export const shortTable = (table: string) => table.replace(/^allot-[^-]+-/, '');

export const scalar = (v: AttributeValue | undefined) => (v === undefined ? '?' : (v.S ?? v.N ?? (v.B ? Buffer.from(v.B).toString('hex') : '?')));

export function partitionOf(table: string, index: string | undefined, hash: AttributeValue | undefined): string {
  return `${shortTable(table)}${index ? `/${index}` : ''}:${scalar(hash)}`;
}

export interface IndexSchema {
  name: string;
  hash: string;
  range?: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  include: string[];
}

export interface Schema {
  table: string;
  hash: string;
  range?: string;
  indexes: IndexSchema[];
}

export interface WriteAction {
  kind: 'put' | 'update' | 'delete' | 'check';
  table: string;
  schema: Schema;
  key: Marshalled;
  /** the new item of a put */
  item?: Marshalled;
  transactional: boolean;
  /** a put conditioned on its key not existing: if it succeeds there was no item before */
  fresh: boolean;
}

/** Whether a ConditionExpression is exactly attribute_not_exists(<key attribute>). */
export function onlyIfAbsent(schema: Schema, condition: unknown, names: unknown): boolean {
  const m = /^\s*\(?\s*attribute_not_exists\s*\(\s*([#\w]+)\s*\)\s*\)?\s*$/.exec(String(condition ?? ''));
  if (!m) return false;
  const name = m[1]!.startsWith('#') ? (names as Record<string, string> | undefined)?.[m[1]!] : m[1];
  return name === schema.hash || name === schema.range;
}

export interface Charge {
  partition: string;
  wru: number;
  gsi: boolean;
}

/** Read units of one GetItem-like item (`perItem`) or of one Query/Scan page (sizes summed). */
export function priceRead(items: (Marshalled | undefined)[], consistent: boolean, transactional: boolean, perItem: boolean): number {
  const factor = (consistent ? 1 : 0.5) * (transactional ? 2 : 1);
  if (perItem) return items.reduce((sum, item) => sum + readUnits(itemSize(item)) * factor, 0);
  return readUnits(items.reduce((sum, item) => sum + itemSize(item), 0)) * factor;
}

function indexEntry(schema: Schema, index: IndexSchema, item: Marshalled | undefined): Marshalled | undefined {
  if (!item || item[index.hash] === undefined || (index.range && item[index.range] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const keep = new Set([schema.hash, schema.range, index.hash, index.range, ...(index.projection === 'INCLUDE' ? index.include : [])]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k)));
}

const same = (a: Marshalled, b: Marshalled) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const sorted = (m: Marshalled) => Object.keys(m).sort().map((k) => [k, m[k]]);

/** What one write action costs, on the table's partition and on each index partition it touches. */
export function priceWrite(action: WriteAction, before: Marshalled | undefined, after: Marshalled | undefined, applied: boolean): Charge[] {
  const { schema } = action;
  const factor = action.transactional ? 2 : 1;
  const base = applied && action.kind !== 'check' ? Math.max(itemSize(before), itemSize(after)) : itemSize(before);
  const charges: Charge[] = [{ partition: partitionOf(schema.table, undefined, action.key[schema.hash]), wru: writeUnits(base) * factor, gsi: false }];
  if (!applied || action.kind === 'check') return charges;
  for (const index of schema.indexes) {
    const old = indexEntry(schema, index, before);
    const next = indexEntry(schema, index, after);
    const at = (entry: Marshalled) => partitionOf(schema.table, index.name, entry[index.hash]);
    const keyMoved =
      old && next && (JSON.stringify(old[index.hash]) !== JSON.stringify(next[index.hash]) || (index.range && JSON.stringify(old[index.range]) !== JSON.stringify(next[index.range])));
    if (old && (!next || keyMoved)) charges.push({ partition: at(old), wru: writeUnits(itemSize(old)), gsi: true });
    if (next && (!old || keyMoved)) charges.push({ partition: at(next), wru: writeUnits(itemSize(next)), gsi: true });
    if (old && next && !keyMoved && !same(old, next)) {
      charges.push({ partition: at(next), wru: writeUnits(Math.max(itemSize(old), itemSize(next))), gsi: true });
    }
  }
  return charges;
}
