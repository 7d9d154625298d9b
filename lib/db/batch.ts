/**
 * BatchGetItem / BatchWriteItem over any number of items: split into the service's limits
 * (100 keys, 25 writes per request), a few requests in flight, and the items DynamoDB hands
 * back unprocessed (it does so under load) sent again after a jittered pause. After
 * `attempts` rounds that still leave items unprocessed the caller gets a 503
 * (ServiceUnavailableError): nothing was lost, the client may try again later.
 * Reads use the SDK's own paginatedBatchGet, which resends unprocessed keys.
 */
import { BatchWriteCommand, paginatedBatchGet, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../errors';
import { db } from './client';
import { chunk, forEachLimit } from './concurrency';
import type { Item } from './types';
import { backoffMs, sleep, type Backoff } from './retry';

export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

export interface BatchOptions extends Backoff {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Rounds per chunk (the first included) before giving up with a 503. Default 10. */
  attempts?: number;
}

export interface BatchGetOptions extends BatchOptions {
  consistentRead?: boolean;
  projection?: string;
  names?: Record<string, string>;
}

export const batchGetSize = 100;
export const batchWriteSize = 25;

/** The items found for `keys` (any number), in no particular order; missing keys are absent. */
export async function batchGetAll(table: string, keys: readonly Item[], options: BatchGetOptions = {}): Promise<Item[]> {
  const { concurrency = 16, attempts = 10, consistentRead, projection, names } = options;
  const found: Item[] = [];
  await forEachLimit(chunk(keys, batchGetSize), concurrency, async (batch) => {
    const pages = paginatedBatchGet(
      { client: db() },
      {
        RequestItems: {
          [table]: {
            Keys: batch,
            ConsistentRead: consistentRead,
            ProjectionExpression: projection,
            ExpressionAttributeNames: names,
          },
        },
      },
    );
    let round = 0;
    for await (const page of pages) {
      round++;
      found.push(...(page.Responses?.[table] ?? []));
      if (!page.UnprocessedKeys?.[table]?.Keys?.length) continue;
      if (round >= attempts) throw new ServiceUnavailableError();
      await sleep(backoffMs(round, options)); // before the generator sends the next request
    }
  });
  return found;
}

/** Sends `requests` (any number of puts/deletes); answers how many BatchWrite requests it took. */
export async function batchWriteAll(
  table: string,
  requests: readonly WriteRequest[],
  options: BatchOptions = {},
): Promise<number> {
  const { concurrency = 4, attempts = 10 } = options;
  let sent = 0;
  await forEachLimit(chunk(requests, batchWriteSize), concurrency, async (batch) => {
    let pending = batch;
    for (let round = 1; ; round++) {
      sent++;
      const out = await db().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] ?? [];
      if (pending.length === 0) return;
      if (round >= attempts) throw new ServiceUnavailableError();
      await sleep(backoffMs(round, options));
    }
  });
  return sent;
}

/** Puts (overwrites) `items`; answers how many BatchWrite requests it took. */
export function batchPutAll(table: string, items: readonly Item[], options: BatchOptions = {}): Promise<number> {
  return batchWriteAll(table, items.map((Item) => ({ PutRequest: { Item } })), options);
}
