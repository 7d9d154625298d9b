/**
 * Search index reads (keys.ts: one tiny item per unit and non-empty searchable field, in
 * the field's partition `T#<t>#IDX#<field>`); only unit ids come back.
 */
import { queryAll } from '../db/paging';
import { keys, sortPrefix, type SearchField } from './keys';
import { table } from './repository';

export type Comparison = 'contains' | 'equals' | 'starts_with';

/**
 * Ids of the units whose `field` matches, read from that field's index partition only.
 * - equals / starts_with: a Query with `begins_with` on the sort key, so it reads about as
 *   many (tiny) index items as there are matches; the filter on `v` only drops the rare
 *   false positive (a value containing '#', or one longer than the sort key prefix).
 * - contains: DynamoDB has no infix index, so the Query reads every index item of that one
 *   field for the tenant (keys and a short value, never units) and filters on `v`.
 * Only `u` (the unit id) comes back.
 */
export async function matchingUnitIds(
  tenantId: string,
  field: SearchField,
  comparison: Comparison,
  term: string,
): Promise<number[]> {
  const values: Record<string, unknown> = { ':pk': keys.indexPartition(tenantId, field), ':term': term };
  let keyCondition = 'pk = :pk';
  if (comparison !== 'contains') {
    const { prefix, whole } = sortPrefix(term);
    // '#' ends the value in the sort key, so an exact match can skip longer values.
    values[':prefix'] = comparison === 'equals' && whole ? `${prefix}#` : prefix;
    keyCondition += ' AND begins_with(sk, :prefix)';
  }
  const filter = { contains: 'contains(v, :term)', equals: 'v = :term', starts_with: 'begins_with(v, :term)' }[comparison];
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: keyCondition,
    FilterExpression: filter,
    ProjectionExpression: 'u',
    ExpressionAttributeValues: values,
    ConsistentRead: true,
  });
  return items.map((item) => Number(String(item.u)));
}

/** Ids of all the tenant's units: every unit has exactly one `part_id` index item. */
export async function allUnitIds(tenantId: string): Promise<number[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ProjectionExpression: 'u',
    ExpressionAttributeValues: { ':pk': keys.indexPartition(tenantId, 'part_id') },
    ConsistentRead: true,
  });
  return items.map((item) => Number(String(item.u)));
}
