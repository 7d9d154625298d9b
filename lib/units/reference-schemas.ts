/**
 * zod pieces of the course-units reference data handlers (logins, courses). Messages follow
 * the field name, which the foundation puts first (`email must be a valid email address`).
 */
import * as z from 'zod';

/** `page` (from 1) and `per_page` (default 25, at most 100: more gets 100), as query strings. */
const positive = z.string().regex(/^\d{1,9}$/, { error: 'must be a positive integer' }).transform(Number)
  .refine((n) => n >= 1, { error: 'must be a positive integer' });
export const pageQuery = z.object({
  page: positive.optional().default(1),
  per_page: positive.transform((n) => Math.min(n, 100)).optional().default(25),
});

const missing = (input: unknown) => input === undefined || input === null;

const name = (max: number) =>
  z
    .string({ error: (i) => (missing(i.input) ? 'is required' : 'must be a string') })
    .trim()
    .min(1, { error: "can't be blank" })
    .max(max, { error: `must be at most ${max} characters` });

const optionalName = z
  .string({ error: 'must be a string' })
  .trim()
  .max(255, { error: 'must be at most 255 characters' })
  .transform((s) => (s === '' ? null : s))
  .nullable()
  .optional();

export const email = z
  .string({ error: (i) => (missing(i.input) ? 'is required' : 'must be a string') })
  .trim()
  .max(254, { error: 'must be at most 254 characters' })
  .toLowerCase()
  .pipe(z.email({ error: 'must be a valid email address' }));

export const loginBody = z.object({ email, first_name: optionalName, last_name: optionalName });
export const loginChanges = z.object({ email: email.optional(), first_name: optionalName, last_name: optionalName });

/** A whole number >= 0: `3` or `"3"`. */
const unitCost = z.union([z.number(), z.string().trim().regex(/^\d{1,9}$/).transform(Number)], { error: 'must be an integer >= 0' })
  .pipe(z.number().int({ error: 'must be an integer >= 0' }).min(0, { error: 'must be an integer >= 0' }).max(1_000_000, { error: 'must be at most 1000000' }));

export const courseBody = z.object({ code: name(100), name: name(255), unit_cost: unitCost.optional() });
export const courseChanges = z.object({ name: name(255).optional(), unit_cost: unitCost.optional() });

/** Ids in the path: anything else names no login (404). */
export const loginPath = z.object({ id: z.string().regex(/^\d{1,15}$/).transform(Number) });
export const coursePath = z.object({ code: z.string().min(1).max(100) });
