/** What the enrollment surface stores and shows, and its fixed limits. */

export type CodeStatus = 'active' | 'redeemed' | 'canceled' | 'expired';

export interface Course {
  courseId: string;
  /** ISO 8601 UTC instants; absent means unbounded on that side. */
  enrollmentStart?: string;
  enrollmentEnd?: string;
  maxEnrollments?: number;
}

export interface CodeRecord {
  code: string;
  courseId: string;
  status: CodeStatus;
  createdAt: string;
  expiresAt?: string;
  email?: string;
  redeemedAt?: string;
}

/** One code as GET codes shows it. */
export interface CodeView {
  code: string;
  status: string;
  email: string | null;
  created_at: string;
  redeemed_at: string | null;
  expires_at: string | null;
}

/** A page of any enrollment list, shaped like edx-drf-extensions' DefaultPagination. */
export interface DrfPage<T> {
  count: number;
  num_pages: number;
  current_page: number;
  start: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** GET codes. */
export type CodePage = DrfPage<CodeView>;

export const maxCodesPerRequest = 10_000;
export const defaultPerPage = 25;
export const maxPerPage = 100;
