/**
 * Success bodies of the course-units handlers (zod): what `handler({ output })` declares and
 * scripts/openapi-document.ts publishes. XML: the same fields inside `<content>`, names dasherised,
 * Rails type attributes (`<units-available type="integer">`).
 */
import * as z from 'zod';

const count = z.int().min(0);

export const login = z.object({
  id: z.int().positive(),
  email: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
});

export const course = z.object({ code: z.string(), name: z.string(), unit_cost: count });

const page = { current_page: z.int().positive(), per_page: z.int().positive(), total_entries: count, total_pages: z.int().positive() };

export const loginsPage = z.object({ logins: z.array(login), ...page });
export const coursesPage = z.object({ courses: z.array(course), ...page });

/** GET inventories: the account's balance and every course with its assignment count. */
export const inventory = z.object({
  units_available: z.int(),
  units_used: count,
  units_owed: count,
  courses: z.array(course.extend({ assigned: count })),
});

/** assign_units: empty, or the units the account now owes (a decimal string, as LearningLogin writes it). */
export const assignResult = z.object({ extra_payment: z.string().regex(/^\d+$/).optional() });
