/**
 * The sparse index `gsi2` of the enrollment table: codes that were created active with an
 * expiry, keyed `gsi2pk` (a shard) + `expiresAt`, so the hourly expiry job Queries the codes
 * that are due instead of scanning every code. `gsi2pk` is written only on such codes and
 * removed by the job once it has dealt with a due code; a code without `expiresAt` is never
 * in the index whatever its gsi2pk (both key attributes must exist).
 *
 * Why shards: one generate-codes request writes up to 10,000 codes with the same expiry. On a
 * single index partition key those writes would queue behind one GSI partition's write limit
 * and throttle the table; 16 shards spread them, and the job runs 16 small Queries.
 */
export const expiryShardCount = 16;

export const expiryShardKey = (shard: number) => `EXPIRY#${shard}`;

/** A stable shard for a tenant's code (FNV-1a over `tenant#code`). */
export function expiryShard(tenantId: string, code: string): string {
  let hash = 0x811c9dc5;
  for (const ch of `${tenantId}#${code}`) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return expiryShardKey(hash % expiryShardCount);
}
