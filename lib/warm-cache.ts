/**
 * A per-container cache: module-scope state lives as long as the warm Lambda, so what a request
 * looked up (a credential's tenant, a tenant's currency) serves the next requests of that
 * container for `ttlMs`. Bounded: a container serving many tenants drops the whole map when it
 * reaches `max` entries (cheaper than LRU bookkeeping; the next requests refill what they use).
 *
 * Hand-written rather than lru-cache: that library is ~19 KB minified, loaded at every cold
 * start of every HTTP function for a map of a few entries; expiry and a bound are all we need.
 */
export interface WarmCache<V> {
  /** The value stored less than `ttlMs` ago, else undefined. */
  get(key: string, now?: number): V | undefined;
  set(key: string, value: V, now?: number): void;
  delete(key: string): void;
  clear(): void;
}

export function warmCache<V>({ ttlMs, max = 1000 }: { ttlMs: number; max?: number }): WarmCache<V> {
  const entries = new Map<string, { value: V; at: number }>();
  return {
    get(key, now = Date.now()) {
      const hit = entries.get(key);
      return hit && now - hit.at < ttlMs ? hit.value : undefined;
    },
    set(key, value, now = Date.now()) {
      if (entries.size >= max && !entries.has(key)) entries.clear();
      entries.set(key, { value, at: now });
    },
    delete: (key) => void entries.delete(key),
    clear: () => entries.clear(),
  };
}
