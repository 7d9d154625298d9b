import { describe, expect, it } from 'vitest';
import { warmCache } from '../../lib/warm-cache';

describe('warmCache', () => {
  it('answers a value until its time to live has passed, then nothing', () => {
    const cache = warmCache<string>({ ttlMs: 1_000 });
    cache.set('t1', 'EUR', 10_000);
    expect(cache.get('t1', 10_999)).toBe('EUR');
    expect(cache.get('t1', 11_000)).toBeUndefined();
    expect(cache.get('t2', 10_500)).toBeUndefined();
  });

  it('drops everything when a new key would pass its bound, never growing past it', () => {
    const cache = warmCache<number>({ ttlMs: 60_000, max: 2 });
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('b', 3, 0); // a key it holds is replaced, not counted twice
    expect([cache.get('a', 1), cache.get('b', 1)]).toEqual([1, 3]);
    cache.set('c', 4, 0);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([undefined, undefined, 4]);
  });
});
