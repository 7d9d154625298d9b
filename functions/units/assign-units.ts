import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { countMetric } from '../../lib/metrics';
import { assignUnits } from '../../lib/units/assign';

/**
 * A list field. XML without type="array" (`<course-codes><course-code>A</course-code></course-codes>`)
 * arrives as `{course_code: 'A'}` (or an array inside): accepted as the list it obviously is.
 */
function list<T extends z.ZodType>(field: string, item: T, max: number) {
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

const courseCode = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be blank')
  .max(100, 'must be at most 100 characters');

// Numeric strings ("7") are integers too: form and untyped XML bodies send nothing else.
const loginId = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number({ error: 'must be an integer' }).int('must be an integer').positive('must be a positive integer'),
);

export const handler = httpHandler(
  {
    surface: 'units',
    bodyRoot: 'content',
    input: z.object({
      body: z.object({ course_codes: list('course_codes', courseCode, 100), login_ids: list('login_ids', loginId, 1000) }),
    }),
  },
  async ({ body }, { tenantId, requestId }) => {
    const result = await assignUnits(tenantId, { courseCodes: body.course_codes, loginIds: body.login_ids }, { requestId });
    countMetric('unitsAssigned', result.unitsCharged);
    countMetric('unitsOwed', result.unitsOwed);
    return { body: result.unitsOwed > 0 ? { extra_payment: String(result.unitsOwed) } : {} };
  },
);
