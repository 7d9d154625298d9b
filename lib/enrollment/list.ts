/**
 * GET codes, paginated the way Open edX REST APIs are (edx-drf-extensions DefaultPagination):
 * {count, num_pages, current_page, start, next, previous, results}. `next`/`previous` are
 * absolute URLs like DRF's, or null. A page past the end has empty results (not a 404).
 */
import { ValidationError } from '../errors';
import { isRedeemable } from './enroll';
import type { CodePage, CodeRecord, CodeView } from './model';
import { getCourseListing, listedCodes } from './repository';

export const codesPath = '/api/enrollment/v1/codes';

/** An active code past its expiry is shown as expired, as enroll treats it. */
function view(code: CodeRecord, now: string): CodeView {
  const expired = code.status === 'active' && !isRedeemable(code, now);
  return {
    code: code.code,
    status: expired ? 'expired' : code.status,
    email: code.email ?? null,
    created_at: code.createdAt,
    redeemed_at: code.redeemedAt ?? null,
    expires_at: code.expiresAt ?? null,
  };
}

/** `https://host/api/enrollment/v1/codes` from the request's headers; the bare path without a Host. */
export function baseUrl(headers: Record<string, string | undefined>): string {
  const host = headers.host;
  if (!host || !/^[\w.-]+(:\d+)?$|^\[[\da-f:]+\](:\d+)?$/i.test(host)) return codesPath;
  const forwarded = headers['x-forwarded-proto']?.split(',')[0]?.trim().toLowerCase();
  const local = /^(localhost|127\.|\[::1\])/i.test(host);
  const proto = forwarded === 'http' || forwarded === 'https' ? forwarded : local ? 'http' : 'https';
  return `${proto}://${host}${codesPath}`;
}

export async function listCourseCodes(
  tenantId: string,
  request: { courseId: string; page: number; perPage: number; baseUrl: string },
  now = new Date(),
): Promise<CodePage> {
  const { courseId, page, perPage } = request;
  const { course, count } = await getCourseListing(tenantId, courseId);
  if (!course) throw new ValidationError('Course not found.');
  const start = (page - 1) * perPage;
  // The page is a range of listing positions: reads follow its size, not the course's.
  const last = Math.min(start + perPage, count) - 1;
  const codes = last >= start ? await listedCodes(tenantId, courseId, start, last) : [];
  const numPages = Math.max(1, Math.ceil(count / perPage)); // Django: an empty list still has page 1
  const link = (n: number) =>
    `${request.baseUrl}?${new URLSearchParams({ course_id: courseId, page: String(n), per_page: String(perPage) })}`;
  const at = now.toISOString();
  return {
    count,
    num_pages: numPages,
    current_page: page,
    start,
    next: page < numPages ? link(page + 1) : null,
    previous: page > 1 ? link(Math.min(page - 1, numPages)) : null,
    results: codes.map((code) => view(code, at)),
  };
}
