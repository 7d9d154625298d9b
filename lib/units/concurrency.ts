/** Small helpers for bounded parallel work against DynamoDB. */

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` over `items` with at most `limit` in flight. On the first failure no new item is
 * started, the ones in flight are awaited (so the caller knows everything that was attempted
 * has settled before it undoes anything), then the first error is thrown.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        await fn(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

/** 20 ms, 40 ms, ... capped, with full jitter so waiters do not retry in lockstep. */
export function backoffMs(attempt: number, capMs = 250): number {
  return Math.random() * Math.min(capMs, 20 * 2 ** attempt);
}
