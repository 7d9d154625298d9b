/** A part's units, paginated with X-Pagination like search (404 for an unknown part). */
import { NotFoundError } from '../errors';
import { unitPage, type UnitPage } from './pagination';
import { getPart } from './repository';
import { matchingUnitIds } from './repository-search';
import type { PageQuery } from './schemas';

/** Its `part_id` index items, read with one begins_with Query, then the page's units. */
export async function listPartUnits(tenantId: string, partId: number, pageQuery: PageQuery): Promise<UnitPage> {
  const [part, ids] = await Promise.all([
    getPart(tenantId, partId),
    matchingUnitIds(tenantId, 'part_id', 'equals', String(partId)),
  ]);
  if (!part) throw new NotFoundError();
  return unitPage(tenantId, ids, pageQuery);
}
