/**
 * Request fields of the enrollment reference data endpoints (courses, enrollments, codes.csv).
 * Messages start with the field name: `{"success": "false", "reason": "course_id ..."}`.
 */
import * as z from 'zod';
import { courseId, page, perPage } from './schemas';

/** `course-v1:Org+Code+Run`: three non-empty parts without `+`, `/` or white space. */
export const newCourseId = z
  .string({ error: (i) => (i.input === undefined ? 'course_id is required' : 'course_id must be a string') })
  .trim()
  .max(255, 'course_id must be at most 255 characters')
  .regex(/^course-v1:[^+\s/]+\+[^+\s/]+\+[^+\s/]+$/, 'course_id must look like course-v1:Org+Code+Run');

/**
 * A course id in the path, as clients send it: raw (`course-v1:edX+DemoX+Demo_Course`) or
 * percent-encoded (`course-v1%3AedX%2BDemoX%2BDemo_Course`). A `+` stays a `+` (paths are not
 * form-encoded); a course id never holds `%`, so decoding is unambiguous.
 */
export const pathCourseId = z.string().transform((value, ctx) => {
  try {
    return value.includes('%') ? decodeURIComponent(value) : value;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'course_id is not a valid course id' });
    return z.NEVER;
  }
});

const dateOrDateTime = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 date (00:00 UTC that day) or datetime; null or "" clears the bound. */
const instant = (field: string) =>
  z.unknown().optional().transform((value, ctx): string | null | undefined => {
    if (value === undefined) return undefined;
    if (value === null || value === '') return null;
    const text = typeof value === 'string' ? value.trim() : '';
    const ms = dateOrDateTime.test(text) ? Date.parse(/[T ]/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? `${text.replace(' ', 'T')}Z` : text) : NaN;
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: `${field} must be an ISO 8601 date (YYYY-MM-DD) or datetime` });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

/** A whole number >= 0 (or its digits as a string); null or "" removes the cap. */
const cap = z.unknown().optional().transform((value, ctx): number | null | undefined => {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  const n = typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1_000_000_000) {
    ctx.addIssue({ code: 'custom', message: 'max_enrollments must be a whole number from 0 to 1000000000' });
    return z.NEVER;
  }
  return n;
});

const settings = {
  enrollment_start: instant('enrollment_start'),
  enrollment_end: instant('enrollment_end'),
  max_enrollments: cap,
};

export const createCourseRequest = z.object({ body: z.object({ course_id: newCourseId, ...settings }) });
export const updateCourseRequest = z.object({ path: z.object({ course_id: pathCourseId }), body: z.object(settings) });
export const showCourseRequest = z.object({ path: z.object({ course_id: pathCourseId }) });

const linkHeaders = z.object({ host: z.string().optional(), 'x-forwarded-proto': z.string().optional() });
export const listCoursesRequest = z.object({ query: z.object({ page, per_page: perPage }), headers: linkHeaders });
export const listEnrollmentsRequest = z.object({ query: z.object({ course_id: courseId, page, per_page: perPage }), headers: linkHeaders });
export const exportCodesRequest = z.object({ query: z.object({ course_id: courseId, page }), headers: linkHeaders });
