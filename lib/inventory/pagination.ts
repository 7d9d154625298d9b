/**
 * will_paginate-style pages over a sorted list of ids, and the `X-Pagination` header Aligni
 * clients read: `{total_entries, total_pages, per_page, current_page, first_page, last_page,
 * previous_page, next_page, out_of_range}`. As in will_paginate, an empty result still has one
 * (empty) page; first_page / last_page / out_of_range are booleans, previous_page / next_page
 * page numbers or null.
 */
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

export const paginationHeaders = (pagination: Pagination) => ({ 'X-Pagination': JSON.stringify(pagination) });
