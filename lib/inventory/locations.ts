/**
 * Inventory locations with their sublocations, and units of measure, over HTTP and in
 * imports (one implementation of the rules). Ids come from the tenant's counters; a rename is
 * one transaction on one item, and every unit at the place shows the new label at once
 * because units resolve it when read (labels.ts, docs/REFERENCE-DATA.md).
 */
import { NotFoundError, ValidationError } from '../errors';
import { withRetry } from '../db/retry';
import { retryChanged, upsert } from '../db/refusals';
import type { Location, UnitOfMeasure } from './model';
import { forgetLabels } from './labels';
import { paginationOf, type Pagination } from './pagination';
import {
  findLocation,
  findSublocation,
  findUnitOfMeasure,
  insertLocation,
  insertSublocation,
  insertUnitOfMeasure,
  listLocations,
  NameTaken,
  listUnitsOfMeasure,
  renameLocationItem,
  renameSublocationItem,
  renameUnitOfMeasure,
  type LocationWithSublocations,
} from './repository-reference';
import type { PageQuery } from './schemas';

export const NAME_TAKEN = 'Name must be unique.';

/** A name another record of the same kind and scope holds: the surface's 422. */
function refuseTakenName(err: unknown): never {
  if (err instanceof NameTaken) throw new ValidationError(NAME_TAKEN);
  throw err;
}

export const renderLocation = (l: LocationWithSublocations) => ({
  id: l.id,
  name: l.name,
  inventory_sublocations: l.sublocations.map((s) => ({ id: s.id, name: s.name })),
});
export const renderSublocation = (s: { id: number; name: string; location_id: number }) => ({
  id: s.id,
  name: s.name,
  inventory_location_id: s.location_id,
});
export const renderUnitOfMeasure = (u: UnitOfMeasure) => ({ id: u.id, name: u.name });

export async function listLocationsPage(tenantId: string, query: PageQuery): Promise<{ locations: ReturnType<typeof renderLocation>[]; pagination: Pagination }> {
  const { items, total } = await listLocations(tenantId, query.page, query.per_page);
  return { locations: items.map(renderLocation), pagination: paginationOf(total, query) };
}

export async function createLocation(tenantId: string, name: string, explicitId?: number) {
  const location = await insertLocation(tenantId, name, explicitId).catch(refuseTakenName);
  return renderLocation({ ...location, sublocations: [] });
}

async function existingLocation(tenantId: string, id: number) {
  const location = await findLocation(tenantId, id);
  if (!location) throw new NotFoundError();
  return location;
}

export async function createSublocation(tenantId: string, locationId: number, name: string, explicitId?: number) {
  return withRetry(async () => {
    const location = await existingLocation(tenantId, locationId);
    const created = await insertSublocation(tenantId, location, name, explicitId);
    forgetLabels(tenantId); // this Lambda's search sees the new place at once
    return renderSublocation(created);
  }, retryChanged).catch(refuseTakenName);
}

export async function renameLocation(tenantId: string, id: number, name: string) {
  await withRetry(async () => {
    // Conditioned on the name as read (its claim moves with it): a rename meanwhile reads again.
    const location = await existingLocation(tenantId, id);
    await renameLocationItem(tenantId, location, name);
  }, retryChanged).catch(refuseTakenName);
  forgetLabels(tenantId);
  return { id, name }; // what the transaction wrote: no read after it
}

/** A sublocation of another location answers as missing. */
export async function renameSublocation(tenantId: string, locationId: number, id: number, name: string) {
  return withRetry(async () => {
    const [location, sub] = await Promise.all([findLocation(tenantId, locationId), findSublocation(tenantId, id)]);
    if (!location || !sub || sub.location_id !== locationId) throw new NotFoundError();
    await renameSublocationItem(tenantId, location, sub, name);
    forgetLabels(tenantId);
    return renderSublocation({ id, name, location_id: locationId });
  }, retryChanged).catch(refuseTakenName);
}

export async function listUnitsOfMeasurePage(tenantId: string, query: PageQuery): Promise<{ units: ReturnType<typeof renderUnitOfMeasure>[]; pagination: Pagination }> {
  const { items, total } = await listUnitsOfMeasure(tenantId, query.page, query.per_page);
  return { units: items.map(renderUnitOfMeasure), pagination: paginationOf(total, query) };
}

export async function createUnitOfMeasure(tenantId: string, name: string) {
  return renderUnitOfMeasure(await insertUnitOfMeasure(tenantId, name).catch(refuseTakenName));
}

// ------------------------------------------------------------------ imports (idempotent upserts by id)

export async function upsertUnitOfMeasure(tenantId: string, uom: UnitOfMeasure): Promise<void> {
  await upsert(
    () => findUnitOfMeasure(tenantId, uom.id),
    (found) => (found.name === uom.name ? Promise.resolve() : renameUnitOfMeasure(tenantId, uom.id, uom.name)),
    () => insertUnitOfMeasure(tenantId, uom.name, uom.id),
  ).catch(refuseTakenName);
}

export async function upsertLocation(tenantId: string, location: Location): Promise<void> {
  await upsert(
    () => findLocation(tenantId, location.id),
    (found) => (found.name === location.name ? Promise.resolve() : renameLocation(tenantId, location.id, location.name)),
    () => insertLocation(tenantId, location.name, location.id),
  ).catch(refuseTakenName);
}

export async function upsertSublocation(tenantId: string, sub: { id: number; name: string; location_id: number }): Promise<void> {
  await upsert(
    () => findSublocation(tenantId, sub.id),
    (found) =>
      found.name !== sub.name && found.location_id === sub.location_id
        ? renameSublocation(tenantId, sub.location_id, sub.id, sub.name)
        : Promise.resolve(),
    () => createSublocation(tenantId, sub.location_id, sub.name, sub.id),
  );
}
