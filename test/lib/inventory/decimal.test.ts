import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDecimals,
  compareDecimals,
  parseDecimal,
  subtractDecimals,
  toJsonNumber,
  toRailsDecimal,
  withinLimits,
} from '../../../lib/inventory/decimal';

describe('parseDecimal', () => {
  it.each([
    ['14', '14'], ['014.50', '14.5'], ['+5', '5'], ['-5', '-5'], ['-0', '0'], ['.5', '0.5'], ['5.', '5'],
    ['1e3', '1000'], ['2.5E-3', '0.0025'], [' 7 ', '7'], [0.1, '0.1'], [3600, '3600'], [1e-7, '0.0000001'],
  ] as const)('reads %j as %s', (input, canonical) => {
    expect(parseDecimal(input)).toBe(canonical);
  });

  it.each([['abc'], [''], ['.'], ['1.2.3'], ['0x10'], [NaN], [Infinity], [null], [true], [{}], ['1'.repeat(16)], ['0.00000000001']])(
    'refuses %j',
    (input) => {
      expect(parseDecimal(input)).toBeUndefined();
    },
  );
});

describe('arithmetic', () => {
  it('is exact where floats are not', () => {
    expect(addDecimals(addDecimals('0', '0.1'), '0.2')).toBe('0.3');
    expect(subtractDecimals('1275', '75')).toBe('1200');
    expect(subtractDecimals('0.3', '0.1')).toBe('0.2');
    expect(addDecimals('-0.5', '0.5')).toBe('0');
  });

  it('compares across scales', () => {
    expect(compareDecimals('10', '10.00')).toBe(0);
    expect(compareDecimals('10.01', '10')).toBe(1);
    expect(compareDecimals('-1', '0')).toBe(-1);
  });

  it('a + b - b == a for any decimals within the limits', () => {
    const dec = fc
      .tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 3 }))
      .map(([units, scale]) => parseDecimal(`${units}e-${scale}`)!);
    fc.assert(fc.property(dec, dec, (a, b) => subtractDecimals(addDecimals(a, b), b) === a));
  });

  it('knows when a result no longer fits the limits', () => {
    expect(withinLimits('999999999999999')).toBe(true);
    expect(withinLimits(addDecimals('999999999999999', '1'))).toBe(false);
  });
});

describe('rendering', () => {
  it('writes quantities as JSON numbers only when the number prints back as the same text', () => {
    expect(toJsonNumber('3600')).toBe(3600);
    expect(toJsonNumber('0.3')).toBe(0.3);
    expect(toJsonNumber('0.0000001')).toBe('0.0000001'); // a double would print 1e-7
  });

  it('writes money like Rails BigDecimal', () => {
    expect(toRailsDecimal('14')).toBe('14.0');
    expect(toRailsDecimal('0.009')).toBe('0.009');
  });
});
