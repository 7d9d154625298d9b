import { describe, expect, it } from 'vitest';
import { codeAlphabet, codeLength, generateCode, generateCodes } from '../../../lib/enrollment/code-generator';

describe('the code alphabet', () => {
  it('is A-Z a-z 0-9 without aAeEiIoOuU, 1 and l: 50 distinct characters', () => {
    const expected = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'].filter(
      (c) => !'aAeEiIoOuU1l'.includes(c),
    );
    expect([...codeAlphabet].sort()).toEqual(expected.sort());
    expect(new Set(codeAlphabet).size).toBe(50);
  });
});

describe('generateCode', () => {
  const sample = Array.from({ length: 5000 }, generateCode);

  it('gives 8 characters from the alphabet', () => {
    expect(codeLength).toBe(8);
    for (const code of sample) expect(code).toMatch(/^[023456789BCDFGHJKLMNPQRSTVWXYZbcdfghjkmnpqrstvwxyz]{8}$/);
  });

  it('never uses an excluded character', () => {
    expect(sample.join('')).not.toMatch(/[aAeEiIoOuU1l]/);
  });

  it('uses every character of the alphabet about equally often', () => {
    const counts = new Map<string, number>();
    for (const c of sample.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(50);
    // 40,000 characters: 800 expected per character, sd ~28; 600..1000 is a 7-sigma band.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(600);
      expect(n).toBeLessThan(1000);
    }
  });
});

describe('generateCodes', () => {
  it('gives the number asked for, all distinct and none of those already taken', () => {
    const taken = new Set(generateCodes(100));
    const before = new Set(taken);
    const codes = generateCodes(1000, taken);
    expect(codes).toHaveLength(1000);
    expect(new Set(codes).size).toBe(1000);
    expect(codes.filter((c) => before.has(c))).toEqual([]);
    for (const c of codes) expect(taken.has(c)).toBe(true);
  });
});
