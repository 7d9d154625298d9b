/**
 * zod pieces shared by the inventory handlers for the path and the query string: what a GET
 * needs. The body pieces are in body-schemas.ts, so a GET function's bundle does not build them
 * at cold start (zod objects are built when their module loads; docs/PERFORMANCE.md).
 */
import * as z from 'zod';

/** An id in the path: anything else names no resource (the foundation answers 404). */
export const pathId = z.string().regex(/^\d{1,15}$/).transform(Number);

/** `page` (from 1) and `per_page` (default 25, at most 100: larger asks get 100). */
export const pageQuery = z.object({
  page: z.string().regex(/^\d{1,9}$/, { error: 'must be a positive integer' }).transform(Number)
    .refine((n) => n >= 1, { error: 'must be a positive integer' }).optional().default(1),
  per_page: z.string().regex(/^\d{1,9}$/, { error: 'must be a positive integer' }).transform(Number)
    .refine((n) => n >= 1, { error: 'must be a positive integer' }).transform((n) => Math.min(n, 100))
    .optional().default(25),
});
export type PageQuery = z.output<typeof pageQuery>;

/** Path parameters (the API token is checked by the foundation). */
export const partPath = z.object({ part_id: pathId });
export const unitPath = z.object({ part_id: pathId, id: pathId });

/** The reference data routes (parts, locations, units of measure; bodies in reference-schemas.ts). */
export const partsQuery = pageQuery.extend({ part_number: z.string().trim().min(1, { error: "can't be blank" }).optional() });
export const listQuery = pageQuery;

export const partIdPath = z.object({ part_id: pathId });
export const locationPath = z.object({ location_id: pathId });
export const sublocationPath = z.object({ location_id: pathId, id: pathId });
