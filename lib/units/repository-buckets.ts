/**
 * Sets of login ids kept in bucket items (keys.ts): the tenant's logins, and each course's
 * assignments. A bucket item holds at most `bucketSize` ids (keys.ts).
 *
 * Reads pick the cheaper form: a Query over the range of buckets is charged on the bytes it
 * reads (4 KB per RCU), a BatchGet at least one unit per item; so Query when the range holds
 * at most twice the buckets wanted (ids are integers: the range can hold nothing else), else
 * BatchGet.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/batch';
import { db } from '../db/client';
import { queryAll } from '../db/paging';
import { unitsTable as table } from '../db/tables';
import { bucketOf, bucketPrefix, bucketSk } from './keys';
import { int } from './model';

/** Bucket number -> the ids stored in it. */
export type Buckets = Map<number, Set<number>>;


/** `ids` grouped by bucket, each group sorted. */
export function groupByBucket(ids: Iterable<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const id of ids) {
    const b = bucketOf(id);
    groups.set(b, [...(groups.get(b) ?? []), id]);
  }
  for (const group of groups.values()) group.sort((x, y) => x - y);
  return groups;
}

const idsOf = (item: Record<string, unknown>): Set<number> =>
  new Set([...((item.ids as Iterable<unknown> | undefined) ?? [])].map(int));

/** The stored ids of the buckets `buckets` of partition `pk` (absent buckets are absent). */
export async function readBuckets(pk: string, buckets: number[], consistent: boolean): Promise<Buckets> {
  const found: Buckets = new Map();
  if (buckets.length === 0) return found;
  const sorted = [...new Set(buckets)].sort((x, y) => x - y);
  const [low, high] = [sorted[0]!, sorted[sorted.length - 1]!];
  const items =
    high - low + 1 <= 2 * sorted.length
      ? await queryAll({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          ExpressionAttributeValues: { ':pk': pk, ':low': bucketSk(low), ':high': bucketSk(high) },
          ProjectionExpression: 'sk, ids',
          ConsistentRead: consistent,
        })
      : await batchGetAll(table(), sorted.map((b) => ({ pk, sk: bucketSk(b) })), { consistentRead: consistent, projection: 'sk, ids' });
  for (const item of items) found.set(Number(String(item.sk).slice(bucketPrefix.length)), idsOf(item));
  return found;
}

/** Every id stored in the buckets of partition `pk` (consistent). */
export async function readAllIds(pk: string): Promise<number[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)',
    ExpressionAttributeValues: { ':pk': pk, ':b': bucketPrefix },
    ProjectionExpression: 'ids',
    ConsistentRead: true,
  });
  return items.flatMap((item) => [...idsOf(item)]).sort((x, y) => x - y);
}

/** `1-600,700,702-710`: the journal's form of a set of ids (consecutive ids are common). */
export function encodeRanges(ids: number[]): string {
  const sorted = [...ids].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(from === sorted[i] ? String(from) : `${from}-${sorted[i]}`);
  }
  return parts.join(',');
}

export function decodeRanges(text: string): number[] {
  return text.split(',').filter(Boolean).flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number) as [number, number?];
    return Array.from({ length: to! - from + 1 }, (_, i) => from + i);
  });
}

/** Adds `ids` (one bucket's) to bucket item `key`: a set union, so sending it twice changes nothing. */
export function addToBucket(key: { pk: string; sk: string }, ids: number[]) {
  return db().send(
    new UpdateCommand({
      TableName: table(),
      Key: key,
      UpdateExpression: 'ADD ids :ids',
      ExpressionAttributeValues: { ':ids': new Set(ids) },
    }),
  );
}
