import { handler as httpHandler } from '../../lib/http/handler';
import { updateCourse } from '../../lib/enrollment/courses';
import { updateCourseRequest } from '../../lib/enrollment/reference-schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.course, input: updateCourseRequest }, async ({ path, body }, { tenantId }) => ({
  body: await updateCourse(tenantId, path.course_id, body),
}));
