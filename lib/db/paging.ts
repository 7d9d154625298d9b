/**
 * "Every page" reads, on the SDK's own paginators (paginateQuery / paginateScan follow
 * LastEvaluatedKey), so no caller writes its own ExclusiveStartKey loop. Use the `*Pages`
 * forms to stop early or to resume from a saved key (pass it as ExclusiveStartKey).
 */
import {
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { db } from './client';
import type { Item } from './types';


/** The pages of a Query; `pageSize` sets Limit when the input has none. */
export function queryPages(input: QueryCommandInput, pageSize?: number): AsyncIterable<QueryCommandOutput> {
  // The paginator writes its token into the input it is given: hand it a copy.
  return paginateQuery({ client: db(), pageSize }, { ...input });
}

/** The pages of a Scan; `pageSize` sets Limit when the input has none. */
export function scanPages(input: ScanCommandInput, pageSize?: number): AsyncIterable<ScanCommandOutput> {
  return paginateScan({ client: db(), pageSize }, { ...input });
}

/** Every item a Query matches, in key order. */
export async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(input)) items.push(...(page.Items ?? []));
  return items;
}

/** Every item a Scan reads. */
export async function scanAll(input: ScanCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of scanPages(input)) items.push(...(page.Items ?? []));
  return items;
}

/** How many items a Query matches (Select COUNT: no items are sent back). */
export async function countAll(input: QueryCommandInput): Promise<number> {
  let count = 0;
  for await (const page of queryPages({ ...input, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}
