/**
 * Courses over HTTP (GET/POST /api/v2/courses, PUT /api/v2/courses/:code) and in imports: one
 * implementation of the rules. The code is unique within the tenant (the course item is its
 * own claim); a new unit cost applies to assignments made after the change.
 */
import { withRetry } from '../db/retry';
import { AlreadyExists, retryChanged, upsert } from '../db/refusals';
import { NotFoundError, ValidationError } from '../errors';
import { pageInfo } from './logins';
import { findCourse, insertCourse, listCourses, replaceCourse, type CourseRecord } from './repository-reference';

export const CODE_TAKEN = 'Code has already been taken';

export const renderCourse = (c: CourseRecord) => ({ code: c.code, name: c.name, unit_cost: c.unit_cost });

export async function listCoursesPage(tenantId: string, page: number, perPage: number) {
  const { items, total } = await listCourses(tenantId, page, perPage);
  return { courses: items.map(renderCourse), ...pageInfo(total, page, perPage) };
}

export async function createCourse(tenantId: string, course: { code: string; name: string; unit_cost?: number }) {
  const record = { code: course.code, name: course.name, unit_cost: course.unit_cost ?? 1 };
  try {
    await insertCourse(tenantId, record);
  } catch (err) {
    if (err instanceof AlreadyExists) throw new ValidationError(CODE_TAKEN);
    throw err;
  }
  return renderCourse(record);
}

export async function updateCourse(tenantId: string, code: string, changes: { name?: string; unit_cost?: number }) {
  return withRetry(async () => {
    const before = await findCourse(tenantId, code);
    if (!before) throw new NotFoundError();
    const after = { code, name: changes.name ?? before.name, unit_cost: changes.unit_cost ?? before.unit_cost };
    if (after.name !== before.name || after.unit_cost !== before.unit_cost) await replaceCourse(tenantId, after, before.seq, before);
    return renderCourse(after);
  }, retryChanged);
}

/** Import: course `code` has this name and cost afterwards, created if absent. */
export async function upsertCourse(tenantId: string, course: { code: string; name: string; unit_cost?: number }): Promise<void> {
  const fields = { code: course.code, name: course.name, unit_cost: course.unit_cost ?? 1 };
  await upsert(
    () => findCourse(tenantId, course.code),
    () => updateCourse(tenantId, course.code, fields),
    () => insertCourse(tenantId, fields),
  );
}
