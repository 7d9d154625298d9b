/**
 * Instants are stored as `Date.toISOString()` strings (UTC, milliseconds, `Z`): one fixed
 * format, so DynamoDB conditions can compare them as strings (`expiresAt >= :now`).
 */
import type { Course } from './model';

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTime = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function validDay(year: string, month: string, day: string): boolean {
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return d.getUTCFullYear() === Number(year) && d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day);
}

/**
 * An ISO 8601 date or datetime as a stored instant, or undefined when it is not one.
 * A date means the end of that day in UTC (a code "expiring on 2026-12-31" can still be used
 * that day); a datetime without an offset is UTC.
 */
export function parseExpiration(text: string): string | undefined {
  const date = dateOnly.exec(text);
  if (date) return validDay(date[1]!, date[2]!, date[3]!) ? `${text}T23:59:59.999Z` : undefined;
  const m = dateTime.exec(text);
  if (!m || !validDay(m[1]!, m[2]!, m[3]!)) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return undefined;
  const offset = (m[8] ?? 'Z').toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const fraction = (m[7] ?? '').slice(0, 4); // milliseconds are all an instant keeps
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${fraction}${offset}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Enrollment is open from enrollmentStart through enrollmentEnd, both inclusive, either optional. */
export function enrollmentOpen(course: Course, now: string): boolean {
  return (!course.enrollmentStart || course.enrollmentStart <= now) && (!course.enrollmentEnd || now <= course.enrollmentEnd);
}
