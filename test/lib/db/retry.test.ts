/** The one backoff formula and withRetry's decisions (tries, which errors, what is thrown at the end). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, timers, withRetry } from '../../../lib/db/retry';

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

  describe('until and pause', () => {
    afterEach(() => vi.restoreAllMocks());

    it('makes a try that fails at or after `until` the last, whatever `attempts` allows', async () => {
      let now = 0;
      vi.spyOn(Date, 'now').mockImplementation(() => now);
      let calls = 0;
      const gaveUp = new Error('busy too long');
      await expect(
        withRetry(async () => {
          calls++;
          now += 10; // each try takes 10 ms
          throw new Error('busy');
        }, { attempts: Infinity, until: 25, onExhausted: () => gaveUp, ...quick }),
      ).rejects.toBe(gaveUp);
      expect(calls).toBe(3); // failed at 10 and 20 (before 25): tried again; failed at 30: gave up
    });

    it('pauses between tries by default, and not at all with pause: false', async () => {
      const sleep = vi.spyOn(timers, 'sleep');
      const failTwice = async (attempt: number) => {
        if (attempt < 3) throw new Error('changed');
        return attempt;
      };
      expect(await withRetry(failTwice, { attempts: 5, ...quick })).toBe(3);
      expect(sleep).toHaveBeenCalledTimes(2);
      sleep.mockClear();
      expect(await withRetry(failTwice, { attempts: 5, pause: false })).toBe(3);
      expect(sleep).not.toHaveBeenCalled();
    });
  });
});
