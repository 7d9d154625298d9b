/** Keys, demo data and the concurrency helper the repository relies on. */
import { describe, expect, it } from 'vitest';
import { chunk, forEachLimit } from '../../../lib/db/concurrency';
import { demoUnits } from '../../../lib/units/demo';
import { assignmentBucketKey, bucketOf, bucketSk, courseKey, journalKey, loginBucketKey } from '../../../lib/units/keys';
import { accountItem, courseItem } from '../../../lib/units/model';
import { decodeRanges, encodeRanges } from '../../../lib/units/repository-buckets';

describe('keys', () => {
  it('start with the tenant', () => {
    for (const key of [courseKey('t1', 'A'), loginBucketKey('t1', 0), assignmentBucketKey('t1', 'A', 0), journalKey('t1', 'A', 'op')]) {
      expect(key.pk.startsWith('T#t1#')).toBe(true);
    }
    const items = [accountItem('t1', demoUnits.demo.account!), ...demoUnits.demo.courses!.map((c) => courseItem('t1', c))];
    for (const item of items) expect(String(item.pk).startsWith('T#t1#')).toBe(true);
  });

  it('bucket login ids by 256 consecutive ids, in key order up to the largest safe integer', () => {
    expect([0, 255, 256, 1000].map(bucketOf)).toEqual([0, 0, 1, 3]);
    const sks = [0, 1, 9, 10, bucketOf(Number.MAX_SAFE_INTEGER)].map(bucketSk);
    expect([...sks].sort()).toEqual(sks);
    expect(new Set(sks.map((sk) => sk.length)).size).toBe(1);
  });
});

describe('journal ranges', () => {
  it('write consecutive ids as ranges and read back the same ids', () => {
    expect(encodeRanges([5, 1, 2, 3, 9, 10, 12])).toBe('1-3,5,9-10,12');
    expect(decodeRanges('1-3,5,9-10,12')).toEqual([1, 2, 3, 5, 9, 10, 12]);
    expect(decodeRanges(encodeRanges([]))).toEqual([]);
  });
});

describe('demo data (SPEC section 6)', () => {
  it('demo: 10 units, no extra payment, JHSC (1) and FORK (3), logins 1..50', () => {
    expect(demoUnits.demo.account).toEqual({ unitsAvailable: 10, extraPayment: false });
    expect(demoUnits.demo.courses).toEqual([
      { code: 'JHSC', name: 'Job Hazard Safety Certification', unitCost: 1 },
      { code: 'FORK', name: 'Forklift Operation', unitCost: 3 },
    ]);
    expect(demoUnits.demo.logins).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('other: 5 units, extra payment, its own JHSC (1), logins 1..10', () => {
    expect(demoUnits.other.account).toEqual({ unitsAvailable: 5, extraPayment: true });
    expect(demoUnits.other.courses).toEqual([{ code: 'JHSC', name: 'Job Hazard Safety Certification', unitCost: 1 }]);
    expect(demoUnits.other.logins).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });
});

describe('forEachLimit', () => {
  it('keeps at most `limit` in flight and runs everything', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimit(Array.from({ length: 20 }, (_, i) => i), 3, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setImmediate(r));
      seen.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('after a failure starts nothing new, waits for those in flight, then throws', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = forEachLimit([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setImmediate(r));
      settled++;
      if (n === 1) throw new Error('boom');
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1, 2]);
    expect(settled).toBe(started.length);
  });

  it('chunk splits into pieces of at most n', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
