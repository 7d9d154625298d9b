import { handler as httpHandler } from '../../lib/http/handler';
import { updateCourse } from '../../lib/enrollment/courses';
import { updateCourseRequest } from '../../lib/enrollment/reference-schemas';

export const handler = httpHandler({ surface: 'enrollment', input: updateCourseRequest }, async ({ path, body }, { tenantId }) => ({
  body: await updateCourse(tenantId, path.course_id, body),
}));
