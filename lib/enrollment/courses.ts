/**
 * Enrollment courses over HTTP (GET/POST /api/enrollment/v1/courses, GET/PUT .../courses/{id})
 * and in imports: one implementation of the rules. A course id is `course-v1:Org+Code+Run` and
 * unique within the tenant (the course item is its own claim); a cap below the enrollments
 * counted now is refused in the same transaction that would set it.
 */
import { withRetry } from '../db/retry';
import { ValidationError } from '../errors';
import { codeCounts } from './counts';
import { getCourseListing, getEnrolledCount, pastExpiryActive } from './repository';
import { courseItem } from './items';
import { AlreadyExists, retryChanged } from '../db/refusals';
import { BelowEnrolled, courseFrom, findCourse, insertCourse, listCourses, replaceCourse } from './repository-reference';
import type { Course, DrfPage } from './model';

export const COURSE_NOT_FOUND = 'Course not found.';

export interface CourseFields {
  course_id: string;
  enrollment_start?: string | null;
  enrollment_end?: string | null;
  max_enrollments?: number | null;
}

export const renderCourse = (c: Course) => ({
  course_id: c.courseId,
  enrollment_start: c.enrollmentStart ?? null,
  enrollment_end: c.enrollmentEnd ?? null,
  max_enrollments: c.maxEnrollments ?? null,
});

function toCourse(fields: CourseFields): Course {
  const course: Course = {
    courseId: fields.course_id,
    ...(fields.enrollment_start ? { enrollmentStart: fields.enrollment_start } : {}),
    ...(fields.enrollment_end ? { enrollmentEnd: fields.enrollment_end } : {}),
    ...(fields.max_enrollments === undefined || fields.max_enrollments === null ? {} : { maxEnrollments: fields.max_enrollments }),
  };
  if (course.enrollmentStart && course.enrollmentEnd && course.enrollmentStart > course.enrollmentEnd) {
    throw new ValidationError('enrollment_end must not be before enrollment_start');
  }
  return course;
}

/**
 * Open edX (edx-drf-extensions) page fields, as the codes list answers them. `slots`: how many
 * list positions there are when positions can be empty (the enrollments list), else `count`.
 */
export function drfPage<T>(results: T[], count: number, page: number, perPage: number, link: (n: number) => string, slots = count): DrfPage<T> {
  const numPages = Math.max(1, Math.ceil(slots / perPage));
  return {
    count,
    num_pages: numPages,
    current_page: page,
    start: (page - 1) * perPage,
    next: page < numPages ? link(page + 1) : null,
    previous: page > 1 ? link(Math.min(page - 1, numPages)) : null,
    results,
  };
}

export async function listCoursesPage(tenantId: string, page: number, perPage: number, baseUrl: string) {
  const { items, total } = await listCourses(tenantId, page, perPage);
  const link = (n: number) => `${baseUrl}?${new URLSearchParams({ page: String(n), per_page: String(perPage) })}`;
  return drfPage(items.map(renderCourse), total, page, perPage, link);
}

/**
 * The course with how many are enrolled and how many of its codes have each status, from its
 * counters (counts.ts): two Queries in parallel, whatever the number of codes.
 */
export async function showCourse(tenantId: string, courseId: string, now = new Date()) {
  const [{ course, count, counter }, pastActive] = await Promise.all([
    getCourseListing(tenantId, courseId),
    pastExpiryActive(tenantId, courseId, now.toISOString()),
  ]);
  if (!course) throw new ValidationError(COURSE_NOT_FOUND);
  return { ...renderCourse(course), enrolled: Number(counter?.enrolled ?? 0), codes: codeCounts(count, counter, pastActive) };
}

export async function createCourse(tenantId: string, fields: CourseFields) {
  const course = toCourse(fields);
  try {
    await insertCourse(tenantId, course);
  } catch (err) {
    if (err instanceof AlreadyExists) throw new ValidationError('Course already exists.');
    throw err;
  }
  return renderCourse(course);
}

/**
 * Sets the given fields (null clears a bound or the cap); absent ones stay. The write is
 * conditioned on the fields as read, so a concurrent PUT of another field makes it read again
 * and merge with that change instead of undoing it.
 */
export async function updateCourse(tenantId: string, courseId: string, changes: Omit<CourseFields, 'course_id'>) {
  return withRetry(
    async () => {
      const before = await findCourse(tenantId, courseId);
      if (!before) throw new ValidationError(COURSE_NOT_FOUND);
      const merged: CourseFields = {
        course_id: courseId,
        enrollment_start: changes.enrollment_start === undefined ? before.enrollmentStart : changes.enrollment_start,
        enrollment_end: changes.enrollment_end === undefined ? before.enrollmentEnd : changes.enrollment_end,
        max_enrollments: changes.max_enrollments === undefined ? before.maxEnrollments : changes.max_enrollments,
      };
      const course = toCourse(merged);
      try {
        await replaceCourse(tenantId, course, before);
      } catch (err) {
        if (err instanceof BelowEnrolled) {
          const enrolled = await getEnrolledCount(tenantId, courseId);
          throw new ValidationError(`max_enrollments must be at least the number enrolled (${enrolled})`);
        }
        throw err; // ChangedMeanwhile: gone (the next read says so) or changed meanwhile: read again
      }
      return renderCourse(courseFrom(courseItem(tenantId, course))); // as stored (instants normalised), without reading it back
    },
    retryChanged,
  );
}

/** Import: the course has this configuration afterwards, created if absent (idempotent). */
export async function upsertCourse(tenantId: string, fields: CourseFields): Promise<void> {
  await withRetry(
    async () => {
      if (await findCourse(tenantId, fields.course_id)) {
        await updateCourse(tenantId, fields.course_id, {
          enrollment_start: fields.enrollment_start ?? null,
          enrollment_end: fields.enrollment_end ?? null,
          max_enrollments: fields.max_enrollments ?? null,
        });
        return;
      }
      await insertCourse(tenantId, toCourse(fields));
    },
    { attempts: 5, capMs: 200, retryIf: (err) => err instanceof AlreadyExists },
  );
}
