/**
 * Requests of the enrollment endpoints. Messages start with the field name, so the
 * foundation's zod mapping sends them as they are: `{"success": "false", "reason": "email ..."}`.
 * Form bodies send every value as a string, JSON may send numbers: integers accept both.
 */
import * as z from 'zod';
import { parseExpiration } from './dates';
import { defaultPerPage, maxCodesPerRequest, maxPerPage } from './model';

const text = (field: string, max: number) =>
  z.string().trim().min(1, `${field} is required`).max(max, `${field} must be at most ${max} characters`);

export const courseId = text('course_id', 255);
// Exact string, never checked against the generation alphabet (demo code 1Ls34dQa).
export const enrollmentCode = text('enrollment_code', 64);

export const email = z
  .string()
  .trim()
  .max(254, 'email must be at most 254 characters')
  .toLowerCase()
  .pipe(z.email('email must be a valid email address'));

/** A whole number or a string of digits, within min..max; absent gives `fallback` if there is one. */
export function integer(field: string, min: number, max: number, fallback?: number) {
  // .optional() before the transform: zod 4 otherwise rejects an absent key before the fallback applies.
  return z.unknown().optional().transform((value, ctx): number => {
    if ((value === undefined || value === '') && fallback !== undefined) return fallback;
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `${field} is required` });
      return z.NEVER;
    }
    const n = typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `${field} must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });
}

export const totalRegistrationCodes = integer('total_registration_codes', 1, maxCodesPerRequest);

export const expirationDate = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const instant = parseExpiration(value);
    if (instant === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expiration_date must be an ISO 8601 date (YYYY-MM-DD) or datetime' });
      return z.NEVER;
    }
    return instant;
  });

export const page = integer('page', 1, 1_000_000, 1);

/** More than the maximum is clamped, as DRF's max_page_size does. */
export const perPage = integer('per_page', 1, Number.MAX_SAFE_INTEGER, defaultPerPage).transform((n) => Math.min(n, maxPerPage));

/** `action` must be present; its value (cancel/restore, else `Invalid action.`) is the domain's call. */
export const action = z.custom<unknown>((value) => value !== undefined && value !== '', 'action is required');

// ---------------------------------------------------------------------------- per endpoint

export const generateRequest = z.object({
  body: z.object({
    course_id: courseId,
    total_registration_codes: totalRegistrationCodes,
    expiration_date: expirationDate.optional(),
  }),
});

export const enrollRequest = z.object({ body: z.object({ email, enrollment_code: enrollmentCode }) });

export const statusRequest = z.object({ body: z.object({ enrollment_code: enrollmentCode, action }) });

export const listRequest = z.object({
  query: z.object({ course_id: courseId, page, per_page: perPage }),
  // Only for the absolute next/previous links.
  headers: z.object({ host: z.string().optional(), 'x-forwarded-proto': z.string().optional() }),
});
