/** zod pieces of the inventory reference data handlers (parts, locations, units of measure). */
import * as z from 'zod';
import { text } from './body-schemas';

/** A required name: trimmed, not blank, at most 255 characters. */
export const requiredName = z
  .union([z.string(), z.number().transform(String)], { error: (i) => (i.input === undefined || i.input === null ? 'is required' : 'must be a string') })
  .transform((s) => s.trim())
  .pipe(z.string().min(1, { error: "can't be blank" }).max(255, { error: 'must be at most 255 characters' }));

const optionalText = (max: number) => text(max).nullable().optional();

export const partFields = z.object({
  part_number: requiredName,
  description: optionalText(1000),
  manufacturer: optionalText(255),
  manufacturer_part_number: optionalText(255),
});
/** PUT: every field optional, a part number given must not be blank. */
export const partChanges = partFields.partial();

export const namedBody = z.object({ name: requiredName });

// The path and query pieces live with the other GET pieces (schemas.ts), so a GET bundle builds no body schema.
export { listQuery, locationPath, partIdPath, partsQuery, sublocationPath } from './schemas';
