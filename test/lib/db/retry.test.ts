/** The one backoff formula and withRetry's decisions (tries, which errors, what is thrown at the end). */
import { describe, expect, it } from 'vitest';
import { backoffMs, withRetry } from '../../../lib/db/retry';

describe('backoffMs (full jitter)', () => {
  it('stays between 0 and min(cap, base * 2^attempt)', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      for (let i = 0; i < 50; i++) {
        const ms = backoffMs(attempt, { baseMs: 10, capMs: 400 });
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(Math.min(400, 10 * 2 ** attempt));
      }
    }
  });

  it('never overflows for very large attempts', () => {
    expect(Number.isFinite(backoffMs(5000))).toBe(true);
    expect(backoffMs(5000)).toBeLessThan(1000);
  });
});

describe('withRetry', () => {
  const quick = { baseMs: 1, capMs: 2 };

  it('returns the first success, passing the 1-based attempt', async () => {
    const seen: number[] = [];
    const result = await withRetry(async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw new Error('busy');
      return 'done';
    }, { attempts: 5, ...quick });
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws a non-retryable error at once', async () => {
    let calls = 0;
    const fatal = new Error('fatal');
    await expect(
      withRetry(async () => {
        calls++;
        throw fatal;
      }, { attempts: 5, retryIf: (err) => err !== fatal, ...quick }),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('after `attempts` tries throws the last error, or what onExhausted makes of it', async () => {
    let calls = 0;
    const busy = async () => {
      calls++;
      throw new Error(`busy ${calls}`);
    };
    await expect(withRetry(busy, { attempts: 3, ...quick })).rejects.toThrow('busy 3');
    expect(calls).toBe(3);
    const tired = new Error('try later');
    await expect(withRetry(busy, { attempts: 2, onExhausted: () => tired, ...quick })).rejects.toBe(tired);
  });
});
