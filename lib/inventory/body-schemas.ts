/**
 * zod pieces shared by the inventory handlers for request bodies (path and query pieces:
 * schemas.ts). Values arrive as JSON numbers, strings (XML,
 * form) or null (an empty XML element), so each piece accepts all the forms a client may
 * send and yields one type. Messages start after the field name: the foundation prefixes it
 * (`cost_per_unit must be a number`).
 */
import * as z from 'zod';
import { compareDecimals, MAX_DECIMAL_PLACES, MAX_SIGNIFICANT_DIGITS, parseDecimal } from './decimal';

const NUMBER_MESSAGE = `must be a number (at most ${MAX_SIGNIFICANT_DIGITS} significant digits and ${MAX_DECIMAL_PLACES} decimal places)`;

/** An integer id in a body: `3` or `"3"`. */
export const bodyId = z.union(
  [z.number().int().positive(), z.string().trim().regex(/^\d{1,15}$/).transform(Number)],
  { error: (issue) => (issue.input === undefined || issue.input === null ? 'is required' : 'must be an integer') },
);

/** An exact decimal as its canonical text (`"14"`, `"0.009"`); see decimal.ts for the limits. */
export const decimal = z.unknown().transform((value, ctx) => {
  const parsed = parseDecimal(value);
  if (parsed === undefined) {
    const missing = value === undefined || value === null || value === '';
    ctx.addIssue({ code: 'custom', message: missing ? 'is required' : NUMBER_MESSAGE });
    return z.NEVER;
  }
  return parsed;
});

/** A decimal or undefined, never an error: for split, whose every bad quantity has one seed message. */
export const lenientDecimal = z.unknown().optional().transform((v) => parseDecimal(v));

export const nonNegativeDecimal = decimal.refine((d) => compareDecimals(d, '0') >= 0, {
  error: 'must be greater than or equal to 0',
});
export const positiveDecimal = decimal.refine((d) => compareDecimals(d, '0') > 0, { error: 'must be greater than 0' });

/** A string field; a number sent for it (`<datecode>201019</datecode>` as JSON 201019) is taken as its text. */
export const text = (max: number) =>
  z
    .union([z.string(), z.number().transform(String)], { error: 'must be a string' })
    .pipe(z.string().max(max, { error: `must be at most ${max} characters` }));

const text255 = text(255).nullable().optional();

/** `generate_asset_id`: "true" (any case), true or 1 ask for a new asset id. */
export const flag = z
  .union([z.boolean(), z.string(), z.number()])
  .optional()
  .nullable()
  .transform((v) => v === true || v === 1 || (typeof v === 'string' && ['true', '1'].includes(v.trim().toLowerCase())));

/** `inventory_record[comment]` (and for adjust, `adjustment_type`), absent or `<inventory_record/>` alike. */
export const inventoryRecord = z
  .object({
    comment: text(1000).nullable().optional(),
    adjustment_type: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.enum(['adjust', 'consume'], { error: 'must be adjust or consume' }))
      .nullable()
      .optional(),
  })
  .nullable()
  .optional()
  .transform((r) => ({ comment: r?.comment ?? null, adjustment_type: r?.adjustment_type ?? 'adjust' }));

/** The fields PUT may change and POST may set; everything else in an update is ignored. */
export const editableFields = z.object({
  // Empty (a blank form field) clears the cost, like null.
  cost_per_unit: z.preprocess((v) => (v === '' ? null : v), nonNegativeDecimal.nullable()).optional(),
  serial_number: text255,
  lot_code: text255,
  datecode: text255,
  details: text255,
  purchase_order_number: text255,
});
export type EditableFields = z.output<typeof editableFields>;

/** An asset id or bin; empty means none. */
export const optionalText = text255.transform((v) => (v === '' ? null : (v ?? null)));

/** `quantity` for adjust: a number is the new quantity, a string starting with + or - is relative. */
export const quantityChange = z
  .unknown()
  .refine((v) => v !== undefined && v !== null && v !== '', { error: 'is required' })
  .pipe(
    z.unknown().transform((value, ctx) => {
      const relative = typeof value === 'string' && /^\s*[+-]/.test(value);
      const parsed = parseDecimal(value);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: NUMBER_MESSAGE });
        return z.NEVER;
      }
      return { relative, value: parsed };
    }),
  );
