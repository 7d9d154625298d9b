/**
 * will_paginate-style pages and the `X-Pagination` header Aligni clients read:
 * `{total_entries, total_pages, per_page, current_page, first_page, last_page,
 * previous_page, next_page, out_of_range}`. As in will_paginate, an empty result still has one
 * (empty) page; first_page / last_page / out_of_range are booleans, previous_page / next_page
 * page numbers or null. Pages are in ascending unit id order.
 */
import { currencyOf } from './currency';
import type { ListScope } from './keys';
import { labelResolver, withCurrentLabels, type LabelResolver } from './labels';
import { renderUnit } from './model';
import { getUnits, readListSlice } from './repository';
import type { PageQuery } from './schemas';

export interface Pagination {
  total_entries: number;
  total_pages: number;
  per_page: number;
  current_page: number;
  first_page: boolean;
  last_page: boolean;
  previous_page: number | null;
  next_page: number | null;
  out_of_range: boolean;
}

export function paginate<T>(all: T[], query: PageQuery): { items: T[]; pagination: Pagination } {
  const { page, per_page } = query;
  return { items: all.slice((page - 1) * per_page, page * per_page), pagination: paginationOf(all.length, query) };
}

/** The header for page `page` of a list of `total` entries (when only the page itself was read). */
export function paginationOf(total: number, { page, per_page }: PageQuery): Pagination {
  const total_pages = Math.max(1, Math.ceil(total / per_page));
  return {
    total_entries: total,
    total_pages,
    per_page,
    current_page: page,
    first_page: page === 1,
    last_page: page === total_pages,
    previous_page: page > 1 ? page - 1 : null,
    next_page: page < total_pages ? page + 1 : null,
    out_of_range: page > total_pages,
  };
}

export const paginationHeaders = (p: Pagination) => ({ 'X-Pagination': JSON.stringify(p) });

export interface UnitPage {
  units: Record<string, unknown>[];
  pagination: Pagination;
}

/**
 * The page's units (<= 100, one BatchGet), rendered with the tenant's currency and their
 * current labels (labels.ts: the version read was started with the request's first read).
 */
async function render(tenantId: string, ids: number[], p: Pagination, labels: LabelResolver): Promise<UnitPage> {
  const [units, currency] = await Promise.all([getUnits(tenantId, ids), currencyOf(tenantId)]);
  const current = await withCurrentLabels(labels, units);
  return { units: current.map((u) => renderUnit(u, currency)), pagination: p };
}

/** A page of matches found by search: `ids` is every match, so the total is exact. */
export function pageOfIds(tenantId: string, ids: number[], query: PageQuery, labels: LabelResolver): Promise<UnitPage> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const from = (query.page - 1) * query.per_page;
  return render(tenantId, sorted.slice(from, from + query.per_page), paginationOf(sorted.length, query), labels);
}

/**
 * A page of a unit list (keys.ts): its positions are a key range, so only the page's ids,
 * the count and the page's units are read, whatever the page. Undefined for an unknown part.
 */
export async function pageOfList(
  tenantId: string,
  scope: ListScope,
  query: PageQuery,
  labels: LabelResolver = labelResolver(tenantId),
): Promise<UnitPage | undefined> {
  const from = (query.page - 1) * query.per_page;
  const slice = await readListSlice(tenantId, scope, from, from + query.per_page);
  if (slice.partExists === false) return undefined;
  return render(tenantId, slice.ids, paginationOf(slice.total, query), labels);
}
