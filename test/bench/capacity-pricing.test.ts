/**
 * The capacity model's pricing follows AWS's published rules (docs/PERFORMANCE.md, "Capacity
 * model"): item sizes, read and write units, transactions, global secondary index writes.
 */
import { describe, expect, it } from 'vitest';
import { onlyIfAbsent, priceRead, priceWrite, type Schema, type WriteAction } from '../../bench/capacity/pricing';
import { figures } from '../../bench/capacity/report';
import { itemSize, readUnits, writeUnits } from '../../bench/capacity/size';

const s = (n: number) => ({ S: 'x'.repeat(n) });
const schema: Schema = {
  table: 'allot-test-inventory',
  hash: 'pk',
  range: 'sk',
  indexes: [{ name: 'gsi1', hash: 'g', projection: 'ALL', include: [] }],
};
const action = (kind: WriteAction['kind'], transactional = false): WriteAction => ({
  kind,
  table: schema.table,
  schema,
  key: { pk: { S: 'P' }, sk: { S: 'S' } },
  transactional,
  fresh: false,
});

describe('item size', () => {
  it('adds the UTF-8 length of each name to the size of its value', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(2 + 3);
    expect(itemSize({ name: { S: 'é' } })).toBe(4 + 2);
    expect(itemSize({ ok: { BOOL: true }, no: { NULL: true } })).toBe(2 + 1 + 2 + 1);
  });

  it('sizes a number at 1 byte per two significant digits plus 1, zeros trimmed', () => {
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 3 + 1);
    expect(itemSize({ n: { N: '1000' } })).toBe(1 + 1 + 1);
    expect(itemSize({ n: { N: '0.009' } })).toBe(1 + 1 + 1);
  });

  it('adds 3 bytes per list or map and 1 per element', () => {
    expect(itemSize({ l: { L: [{ S: 'ab' }, { S: 'c' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize({ m: { M: { k: { S: 'v' } } } })).toBe(1 + 3 + (1 + 1 + 1));
  });
});

describe('reads', () => {
  it('rounds each item of a BatchGetItem to 4 KB: 1.5 KB + 6.5 KB costs 12 KB (AWS example)', () => {
    const items = [{ a: s(1536 - 1) }, { a: s(6656 - 1) }];
    expect(priceRead(items, true, false, true)).toBe(3);
    expect(priceRead(items, false, false, true)).toBe(1.5);
  });

  it('sums a Query page before rounding, and charges the minimum for nothing found', () => {
    const items = Array.from({ length: 40 }, () => ({ a: s(99) })); // 40 x 100 B = 4,000 B
    expect(priceRead(items, true, false, false)).toBe(1);
    expect(priceRead([], false, false, false)).toBe(0.5);
    expect(priceRead([undefined], true, false, true)).toBe(1);
  });

  it('doubles transactional reads', () => {
    expect(priceRead([{ a: s(4095) }], true, true, true)).toBe(2);
    expect(readUnits(8193)).toBe(3);
  });
});

describe('writes', () => {
  const small = { pk: { S: 'P' }, sk: { S: 'S' }, a: s(100) };
  const big = { pk: { S: 'P' }, sk: { S: 'S' }, a: s(2000) };

  it('charges the larger of the item before and after, in 1 KB units, at least 1', () => {
    expect(writeUnits(1)).toBe(1);
    expect(priceWrite(action('update'), big, small, true)[0]!.wru).toBe(2);
    expect(priceWrite(action('put'), undefined, small, true)[0]!.wru).toBe(1);
    expect(priceWrite(action('delete'), big, undefined, true)[0]!.wru).toBe(2);
  });

  it('doubles transactional writes and still charges a failed condition the existing size', () => {
    expect(priceWrite(action('put', true), undefined, big, true)[0]!.wru).toBe(4);
    expect(priceWrite(action('put', true), big, big, false)).toEqual([{ partition: 'inventory:P', wru: 4, gsi: false }]);
    expect(priceWrite(action('put'), undefined, undefined, false)[0]!.wru).toBe(1);
  });

  it('writes an index entry once when added, twice when its key moves, not at all when unchanged', () => {
    const a = { ...small, g: { S: 'A' } };
    const b = { ...small, g: { S: 'B' } };
    const gsi = (before: typeof small | undefined, after: typeof small | undefined) =>
      priceWrite(action('put', true), before, after, true).filter((c) => c.gsi);
    expect(gsi(undefined, a)).toEqual([{ partition: 'inventory/gsi1:A', wru: 1, gsi: true }]);
    expect(gsi(a, b).map((c) => c.partition)).toEqual(['inventory/gsi1:A', 'inventory/gsi1:B']);
    expect(gsi(a, a)).toEqual([]);
    expect(gsi(small, small)).toEqual([]);
  });

  it('recognises a put that only succeeds on a new key', () => {
    expect(onlyIfAbsent(schema, 'attribute_not_exists(pk)', undefined)).toBe(true);
    expect(onlyIfAbsent(schema, 'attribute_not_exists(#k)', { '#k': 'sk' })).toBe(true);
    expect(onlyIfAbsent(schema, 'attribute_not_exists(pk) OR v < :m', undefined)).toBe(false);
    expect(onlyIfAbsent(schema, 'attribute_not_exists(email)', undefined)).toBe(false);
  });
});

describe('the budget verdict', () => {
  const scenario = { name: 's', fn: 'f', small: true, note: '', prepare: async () => undefined, call: () => ({ job: true as const }) };
  const measured = (status: number | 'timeout' | 'error') => ({ records: [], calls: [], status, wallMs: 0, peakInFlight: 0, late: 0, meterErrors: [] });
  const budget = { requests: 1, rounds: 1, rcu: 1, wru: 1 };

  it('is met by a successful call within every limit', () => {
    expect(figures(scenario, measured(200), undefined, 512, budget).met).toBe(true);
  });

  it.each([422, 503, 'timeout', 'error'] as const)('is never met by a call that answered %s, however little it spent', (status) => {
    expect(figures(scenario, measured(status), undefined, 512, budget).met).toBe(false);
  });
});
