/**
 * Raw BatchWriteItem: the baselines of the bulk scenarios and the fast seeding of the search
 * scenario. 25 items per request (the BatchWriteItem limit), `concurrency` requests in
 * flight, unprocessed items resent.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../lib/db/client';
import { chunk, eachLimited } from './stats';

export async function batchPut(table: string, items: Record<string, unknown>[], concurrency: number): Promise<number> {
  let requests = 0;
  await eachLimited(chunk(items, 25), concurrency, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(500, 10 * 2 ** attempt)));
      requests++;
      const out = await db().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
    }
  });
  return requests;
}
