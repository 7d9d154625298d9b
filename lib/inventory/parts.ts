/**
 * Parts over HTTP (GET/POST /parts, GET/PUT /parts/:id) and in imports: one implementation of
 * the rules. A part number is unique within the tenant (a claim item written in the part's
 * transaction); ids come from the tenant's counter; the list is paged by list position.
 */
import { NotFoundError, ValidationError } from '../errors';
import type { Part } from './model';
import { paginate, paginationOf, type Pagination } from './pagination';
import {
  findPart,
  findPartByNumber,
  insertPart,
  listParts,
  PartNumberTaken,
  replacePart,
} from './repository-reference';
import type { PageQuery } from './schemas';
import { withRetry } from '../db/retry';
import { retryChanged, upsert } from '../db/refusals';

export const PART_NUMBER_TAKEN = 'Part number must be unique.';

export interface PartFields {
  part_number: string;
  description?: string | null;
  manufacturer?: string | null;
  manufacturer_part_number?: string | null;
}

/** The part as returned, in this order. */
export const renderPart = (p: Part) => ({
  id: p.id,
  part_number: p.part_number,
  description: p.description,
  manufacturer: p.manufacturer ?? null,
  manufacturer_part_number: p.manufacturer_part_number ?? null,
});

export async function showPart(tenantId: string, id: number) {
  const part = await findPart(tenantId, id);
  if (!part) throw new NotFoundError();
  return renderPart(part);
}

/** A page of the tenant's parts in creation order, or the one part with `partNumber`. */
export async function listPartsPage(
  tenantId: string,
  query: PageQuery & { part_number?: string },
): Promise<{ parts: ReturnType<typeof renderPart>[]; pagination: Pagination }> {
  if (query.part_number !== undefined) {
    const part = await findPartByNumber(tenantId, query.part_number);
    const { items, pagination } = paginate(part ? [part] : [], query);
    return { parts: items.map(renderPart), pagination };
  }
  const { items, total } = await listParts(tenantId, query.page, query.per_page);
  return { parts: items.map(renderPart), pagination: paginationOf(total, query) };
}

export async function createPart(tenantId: string, fields: PartFields, explicitId?: number) {
  try {
    const part = await insertPart(
      tenantId,
      {
        part_number: fields.part_number,
        description: fields.description ?? '',
        manufacturer: fields.manufacturer ?? null,
        manufacturer_part_number: fields.manufacturer_part_number ?? null,
      },
      explicitId,
    );
    return renderPart(part);
  } catch (err) {
    if (err instanceof PartNumberTaken) throw new ValidationError(PART_NUMBER_TAKEN);
    throw err;
  }
}

/** Sets the given fields (absent ones stay); a new part number must be free. */
export async function updatePart(tenantId: string, id: number, fields: Partial<PartFields>) {
  return withRetry(async () => {
    const before = await findPart(tenantId, id);
    if (!before) throw new NotFoundError();
    const after: Part = {
      ...before,
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      description: fields.description === null ? '' : (fields.description ?? before.description),
    };
    const same = (Object.keys(after) as (keyof Part)[]).every((k) => (after[k] ?? null) === (before[k] ?? null));
    if (same) return renderPart(before); // nothing to change: nothing written
    try {
      await replacePart(tenantId, before, after);
    } catch (err) {
      if (err instanceof PartNumberTaken) throw new ValidationError(PART_NUMBER_TAKEN);
      throw err;
    }
    return renderPart(after);
  }, retryChanged);
}

/** Import: the part with this id gets these fields, created if absent (idempotent). */
export async function upsertPart(tenantId: string, part: PartFields & { id: number }): Promise<void> {
  await upsert(
    () => findPart(tenantId, part.id),
    () => updatePart(tenantId, part.id, part),
    () => createPart(tenantId, part, part.id),
  );
}
