import { describe, expect, it } from 'vitest';
import { mergeParams, parseForm } from '../../../lib/http/form';

describe('parseForm (Rails bracket names)', () => {
  it('nests bracket names', () => {
    expect(parseForm('inventory_unit[quantity]=100&inventory_unit[inventory_record][comment]=hi')).toEqual({
      inventory_unit: { quantity: '100', inventory_record: { comment: 'hi' } },
    });
  });

  it('collects [] names into arrays', () => {
    expect(parseForm('login_ids[]=1&login_ids[]=2&course_codes[]=JHSC')).toEqual({
      login_ids: ['1', '2'],
      course_codes: ['JHSC'],
    });
  });

  it('reads plain keys and decodes + and %xx', () => {
    expect(parseForm('grant_type=client_credentials&client_id=a+b%21')).toEqual({
      grant_type: 'client_credentials',
      client_id: 'a b!',
    });
  });

  it('keeps a badly bracketed name as a plain key', () => {
    expect(parseForm('a[b=1')).toEqual({ 'a[b': '1' });
  });

  it('never lets __proto__, constructor or prototype reach a prototype', () => {
    const parsed = parseForm('__proto__[polluted]=1&a[__proto__][x]=2&constructor[prototype][y]=3&ok=1');
    expect(parsed).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('ignores names nested deeper than 32 levels', () => {
    expect(parseForm(`a${'[b]'.repeat(40)}=1`)).toEqual({});
  });
});

describe('mergeParams', () => {
  it('merges nested params, keeping the body value on conflict', () => {
    const body = { inventory_unit: { quantity: '1' } };
    mergeParams(body, { inventory_unit: { quantity: '2', comment: 'c' }, extra: 'x' });
    expect(body).toEqual({ inventory_unit: { quantity: '1', comment: 'c' }, extra: 'x' });
  });

  it('skips unsafe keys', () => {
    const extra = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const body = mergeParams({}, extra);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
