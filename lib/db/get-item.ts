/**
 * One item by its key, on the warm read paths (a `show`): GetItem on the raw client with its
 * middleware resolved once (resolved.ts), marshalled by @aws-sdk/util-dynamodb exactly as the
 * DocumentClient does for `db()` (numbers wrapped), so the item is the one a `GetCommand`
 * returns. In a stubbed CPU profile the DocumentClient's GetCommand cost about twice the raw
 * command's stack building, which this skips (docs/PERFORMANCE.md).
 */
import { GetItemCommand, type GetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { rawDb } from './client';
import { sendResolved } from './resolved';
import type { Item, Key } from './types';

export async function getItem(table: string, key: Key, options: { consistent?: boolean } = {}): Promise<Item | undefined> {
  const { Item } = await sendResolved<GetItemCommandOutput>(
    rawDb(),
    new GetItemCommand({ TableName: table, Key: marshall(key), ...(options.consistent ? { ConsistentRead: true } : {}) }),
  );
  return Item && unmarshall(Item, { wrapNumbers: true });
}
