/** Request schemas of the course-units handlers (zod), shared by every handler that needs them. */
import * as z from 'zod';

/**
 * A list field. XML without type="array" (`<course-codes><course-code>A</course-code></course-codes>`)
 * arrives as `{course_code: 'A'}` (or an array inside): accepted as the list it obviously is.
 */
export function list<T extends z.ZodType>(field: string, item: T, max: number) {
  const child = field.replace(/s$/, '');
  return z.preprocess(
    (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      const keys = Object.keys(value);
      if (keys.length !== 1 || keys[0] !== child) return value;
      const inner = (value as Record<string, unknown>)[child];
      return Array.isArray(inner) ? inner : [inner];
    },
    z
      .array(item, { error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be an array`) })
      .min(1, `${field} must not be empty`)
      .max(max, `${field} must have at most ${max} elements`),
  );
}

export const courseCode = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be blank')
  .max(100, 'must be at most 100 characters');

// Numeric strings ("7") are integers too: form and untyped XML bodies send nothing else.
export const loginId = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number({ error: 'must be an integer' }).int('must be an integer').positive('must be a positive integer'),
);

/** The assign_units body: 1..100 course codes, 1..1000 login ids. */
export const assignBody = z.object({
  course_codes: list('course_codes', courseCode, 100),
  login_ids: list('login_ids', loginId, 1000),
});
