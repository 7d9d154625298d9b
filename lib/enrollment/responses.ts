/**
 * Success bodies of the enrollment handlers (zod), for `handler({ output })` and
 * scripts/openapi-document.ts. XML: the same fields inside `<response>`.
 */
import * as z from 'zod';

const count = z.int().min(0);
const instant = z.string().nullable();

export const success = z.object({ success: z.literal('true') });

export const generated = z.object({ course_id: z.string(), codes: z.array(z.string()), course_url: z.string() });

export const course = z.object({
  course_id: z.string(),
  enrollment_start: instant,
  enrollment_end: instant,
  max_enrollments: count.nullable(),
});

/** GET courses/{course_id}: the course, how many are enrolled, its codes per status. */
export const courseDetail = course.extend({
  enrolled: count,
  codes: z.object({ active: count, redeemed: count, canceled: count, expired: count }),
});

/** A page of a list, shaped like edx-drf-extensions' DefaultPagination. */
function drfPage<T extends z.ZodType>(item: T) {
  return z.object({
    count,
    num_pages: z.int().positive(),
    current_page: z.int().positive(),
    start: count,
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(item),
  });
}

export const codesPage = drfPage(
  z.object({
    code: z.string(),
    status: z.enum(['active', 'redeemed', 'canceled', 'expired']),
    email: z.string().nullable(),
    created_at: z.string(),
    redeemed_at: instant,
    expires_at: instant,
  }),
);
export const coursesPage = drfPage(course);
export const enrollmentsPage = drfPage(z.object({ email: z.string(), code: z.string(), enrolled_at: z.string() }));

/** GET codes.csv: a header line, then one line per code. */
export const codesCsv = z.string().regex(/^code,status,email,created_at,redeemed_at,expires_at\r?\n/);
