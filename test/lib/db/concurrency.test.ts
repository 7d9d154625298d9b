/** chunk and mapLimit: order, the in-flight bound, and settling everything before a failure surfaces. */
import { describe, expect, it } from 'vitest';
import { chunk, forEachLimit, mapLimit } from '../../../lib/db/concurrency';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('chunk', () => {
  it('splits into pieces of at most `size`, in order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 25)).toEqual([]);
  });
});

describe('mapLimit', () => {
  it('answers results in input order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      for (let k = 0; k < n; k++) await tick();
      inFlight--;
      return `${i}:${n * 2}`;
    });
    expect(out).toEqual(['0:10', '1:2', '2:8', '3:4', '4:6', '5:0', '6:12']);
    expect(most).toBe(3);
  });

  it('handles no items and a limit above the item count', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
    expect(await mapLimit([1, 2], 10, async (n) => n + 1)).toEqual([2, 3]);
  });

  it('on a failure starts nothing new, waits for the calls in flight, then throws the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachLimit([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 0) throw new Error('first');
      for (let k = 0; k < 3; k++) await tick();
      finished.push(n);
    });
    await expect(run).rejects.toThrow('first');
    // 1 was in flight when 0 failed: it finished before the error surfaced; nothing after it began.
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });
});
