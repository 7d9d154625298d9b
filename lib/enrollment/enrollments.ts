/**
 * GET enrollments (email, code, enrolled_at; paged like the codes list, in enrollment order, a
 * page by list positions: docs/REFERENCE-DATA.md) and the codes export
 * (GET codes.csv: code, status, email, created_at, redeemed_at, expires_at, as course staff get
 * it from the instructor dashboard). Another tenant's course answers `Course not found.`.
 */
import { ValidationError } from '../errors';
import { COURSE_NOT_FOUND, drfPage } from './courses';
import { isRedeemable } from './enroll';
import { getCourseListing, getPositions, listedCodes } from './repository';
import { enrollmentsAt } from './repository-reference';

export async function listEnrollmentsPage(
  tenantId: string,
  request: { courseId: string; page: number; perPage: number; baseUrl: string },
) {
  const { courseId, page, perPage } = request;
  // Page N is positions (N-1)*per_page+1 .. N*per_page: read in parallel with the course and its counters.
  const [{ course, counter }, positions, enrollments] = await Promise.all([
    getCourseListing(tenantId, courseId),
    getPositions(tenantId, courseId),
    enrollmentsAt(tenantId, courseId, (page - 1) * perPage + 1, page * perPage),
  ]);
  if (!course) throw new ValidationError(COURSE_NOT_FOUND);
  const link = (n: number) => `${request.baseUrl}?${new URLSearchParams({ course_id: courseId, page: String(n), per_page: String(perPage) })}`;
  const results = enrollments.map((e) => ({ email: e.email, code: e.code, enrolled_at: e.enrolledAt }));
  // count: the enrollments there are; pages: the positions handed out (a cancel leaves a hole).
  return drfPage(results, Number(counter?.enrolled ?? 0), page, perPage, link, positions);
}

/** Rows per CSV response: ~120 bytes a row keeps one response near 1.2 MB, far below Lambda's 6 MB. */
export const CSV_ROWS_PER_PAGE = 10_000;
const CSV_COLUMNS = ['code', 'status', 'email', 'created_at', 'redeemed_at', 'expires_at'] as const;

/** RFC 4180 quoting (hand-written: six fixed columns do not need a CSV library). */
const cell = (v: string | null) => (v === null ? '' : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * One page of the course's codes as CSV (all of them when they fit one page), and the link to
 * the page after it when there is one (sent as a `Link: <...>; rel="next"` header).
 */
export async function exportCodesCsv(
  tenantId: string,
  request: { courseId: string; page: number; baseUrl: string },
  now = new Date(),
): Promise<{ csv: string; nextPage: string | null }> {
  // The codes list's own reads (course with its count, then the page's positions), so the export shows exactly what the list shows.
  const { course, count } = await getCourseListing(tenantId, request.courseId);
  if (!course) throw new ValidationError(COURSE_NOT_FOUND);
  const first = (request.page - 1) * CSV_ROWS_PER_PAGE;
  const last = Math.min(first + CSV_ROWS_PER_PAGE, count) - 1;
  const codes = last >= first ? await listedCodes(tenantId, request.courseId, first, last) : [];
  const at = now.toISOString();
  const rows = codes.map((code) =>
    [
      code.code,
      code.status === 'active' && !isRedeemable(code, at) ? 'expired' : code.status,
      code.email ?? null,
      code.createdAt,
      code.redeemedAt ?? null,
      code.expiresAt ?? null,
    ].map(cell).join(','),
  );
  const nextPage = first + CSV_ROWS_PER_PAGE < count
    ? `${request.baseUrl}?${new URLSearchParams({ course_id: request.courseId, page: String(request.page + 1) })}`
    : null;
  return { csv: [CSV_COLUMNS.join(','), ...rows].map((r) => `${r}\r\n`).join(''), nextPage };
}
