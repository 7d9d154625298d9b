/**
 * Search reads; only unit ids come back.
 * - equals / starts_with: the field's index items (`T#<t>#IDX#<field>`, keys.ts), a Query with
 *   `begins_with` on the sort key, so it reads about as many (tiny) items as there are matches.
 * - contains: DynamoDB has no infix index, so every search record of the tenant is read (one
 *   small item per unit holding all its searchable values), from SHARDS partitions at once,
 *   and DynamoDB's filter keeps the matches. However many contains criteria and fields a
 *   search has, the records are read once.
 */
import { mapLimit } from '../db/concurrency';
import { queryAll } from '../db/paging';
import { keys, SHARDS, sortPrefix } from './keys';
import { RECORD_NAMES, unitIdOfRecord, type RecordField } from './search-index';
import type { SearchField } from './model';
import { inventoryTable as table } from '../db/tables';

export type Comparison = 'contains' | 'equals' | 'starts_with';

/** `term` (lower-cased) is contained in one of `fields`. */
export interface ContainsTest {
  fields: readonly RecordField[];
  term: string;
}

/**
 * Ids of the units whose `field` matches. equals / starts_with read the field's index
 * partition only; the filter on `v` drops the rare false positive (a value containing '#',
 * or one longer than the sort key prefix). contains reads the search records.
 * inventory_location is indexed by sublocation id: `equals` with the id (search.ts matches
 * labels by name first).
 */
export async function matchingUnitIds(
  tenantId: string,
  field: SearchField,
  comparison: Comparison,
  term: string,
): Promise<number[]> {
  if (comparison === 'contains') {
    if (field === 'inventory_location') throw new Error('inventory_location is matched by name, then by sublocation (search.ts)');
    return containingUnitIds(tenantId, [{ fields: [field], term }]);
  }
  const { prefix, whole } = sortPrefix(term);
  // '#' ends the value in the sort key, so an exact match can skip longer values.
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: comparison === 'equals' ? 'v = :term' : 'begins_with(v, :term)',
    ProjectionExpression: 'u',
    ExpressionAttributeValues: {
      ':pk': keys.indexPartition(tenantId, field),
      ':term': term,
      ':prefix': comparison === 'equals' && whole ? `${prefix}#` : prefix,
    },
    ConsistentRead: true,
  });
  return items.map((item) => Number(String(item.u)));
}

/** Ids of the units that pass any of `tests`: every search record read once, all shards at once. */
export async function containingUnitIds(tenantId: string, tests: ContainsTest[]): Promise<number[]> {
  if (tests.length === 0) return [];
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  const clauses = tests.flatMap((test, i) => {
    values[`:t${i}`] = test.term;
    return test.fields.map((field) => {
      names[`#${RECORD_NAMES[field]}`] = RECORD_NAMES[field];
      return `contains(#${RECORD_NAMES[field]}, :t${i})`;
    });
  });
  const shards = Array.from({ length: SHARDS }, (_, shard) => shard);
  const perShard = await mapLimit(shards, SHARDS, (shard) =>
    queryAll({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: clauses.join(' OR '),
      ProjectionExpression: 'sk',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':pk': keys.searchShard(tenantId, shard) },
      ConsistentRead: true,
    }),
  );
  return perShard.flat().map(unitIdOfRecord);
}
