/** A part's units, paginated with X-Pagination like search (404 for an unknown part). */
import { NotFoundError } from '../errors';
import { pageOfList, type UnitPage } from './pagination';
import type { PageQuery } from './schemas';

/** The part's unit list: the page's slice, the count and the part in one request, then the page's units. */
export async function listPartUnits(tenantId: string, partId: number, pageQuery: PageQuery): Promise<UnitPage> {
  const page = await pageOfList(tenantId, { part: partId }, pageQuery);
  if (!page) throw new NotFoundError();
  return page;
}
