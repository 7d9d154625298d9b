import { describe, expect, it } from 'vitest';
import { enrollmentOpen, parseExpiration } from '../../../lib/enrollment/dates';

describe('parseExpiration', () => {
  it('reads a date as the end of that day in UTC', () => {
    expect(parseExpiration('2030-06-15')).toBe('2030-06-15T23:59:59.999Z');
  });

  it('reads datetimes with Z, an offset or none (UTC)', () => {
    expect(parseExpiration('2030-06-15T10:20:30Z')).toBe('2030-06-15T10:20:30.000Z');
    expect(parseExpiration('2030-06-15T10:20:30+02:00')).toBe('2030-06-15T08:20:30.000Z');
    expect(parseExpiration('2030-06-15T10:20:30-0130')).toBe('2030-06-15T11:50:30.000Z');
    expect(parseExpiration('2030-06-15T10:20')).toBe('2030-06-15T10:20:00.000Z');
    expect(parseExpiration('2030-06-15 10:20:30.123456')).toBe('2030-06-15T10:20:30.123Z');
  });

  it.each(['tomorrow', '2030-02-30', '2030-13-01', '2030-06-15T24:00:00Z', '2030-06-15T10:61', '15/06/2030', '', '2030-6-1'])(
    'rejects %j',
    (text) => {
      expect(parseExpiration(text)).toBeUndefined();
    },
  );
});

describe('enrollmentOpen', () => {
  const now = '2025-05-01T12:00:00.000Z';

  it('is open without a window, and inside one (bounds inclusive)', () => {
    expect(enrollmentOpen({ courseId: 'c' }, now)).toBe(true);
    expect(enrollmentOpen({ courseId: 'c', enrollmentStart: now, enrollmentEnd: now }, now)).toBe(true);
  });

  it('is closed before the start and after the end', () => {
    expect(enrollmentOpen({ courseId: 'c', enrollmentStart: '2025-05-02T00:00:00.000Z' }, now)).toBe(false);
    expect(enrollmentOpen({ courseId: 'c', enrollmentEnd: '2020-12-31T23:59:59.999Z' }, now)).toBe(false);
  });
});
