/**
 * The reads behind labels.ts (its cache and staleness rules live there): the tenant's labels
 * versions, its place list (gsi1, locations each followed by its sublocations), and the names
 * of given locations and sublocations.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/batch';
import { db } from '../db/client';
import { queryAll } from '../db/paging';
import { inventoryTable as table } from '../db/tables';
import type { Item, Key } from '../db/types';
import { keys } from './keys';

export interface Versions {
  /** Bumped by every rename. */
  labels: number;
  /** When the last rename was made (ms since the epoch; 0: never). */
  labelsAt: number;
  /** Sublocations created so far (never deleted): a new one makes the directory stale. */
  sublocations: number;
}

const num = (v: unknown) => Number(String(v ?? 0));

export async function readLabelVersions(tenantId: string): Promise<Versions> {
  const { Item } = await db().send(
    new GetCommand({
      TableName: table(),
      Key: keys.refCounters(tenantId),
      ProjectionExpression: 'labels, labels_at, sublocations',
      ConsistentRead: true,
    }),
  );
  return { labels: num(Item?.labels), labelsAt: num(Item?.labels_at), sublocations: num(Item?.sublocations) };
}

/** The tenant's location list: id, name, location_id and sk of every location and sublocation (eventually consistent). */
export function readPlaceList(tenantId: string): Promise<Item[]> {
  return queryAll({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ProjectionExpression: 'id, #n, location_id, sk',
    ExpressionAttributeNames: { '#n': 'name' },
    ExpressionAttributeValues: { ':pk': keys.refList(tenantId, 'LOCATIONS') },
  });
}

/** id, name, location_id and sk of the given location and sublocation items (strongly consistent). */
export function readNameItems(list: Key[]): Promise<Item[]> {
  return batchGetAll(table(), list, { consistentRead: true, projection: 'id, #n, location_id, sk', names: { '#n': 'name' } });
}
