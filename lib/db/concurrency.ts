/**
 * Bounded parallel work against DynamoDB (batches, chunks of transactions, bench load).
 * Hand-written (20 lines) rather than p-map/p-limit: on a failure, callers that undo work
 * need every call in flight to have settled before the error reaches them, which those
 * libraries do not wait for.
 */

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `fn` over `items` with at most `limit` in flight; results in input order. On the first
 * failure no new item is started, the ones in flight are awaited, then the first error is thrown.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** `mapLimit` for side effects only. */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  await mapLimit(items, limit, fn);
}
