import { handler as httpHandler } from '../../lib/http/handler';
import { showCourse } from '../../lib/enrollment/courses';
import { showCourseRequest } from '../../lib/enrollment/reference-schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.courseDetail, input: showCourseRequest }, async ({ path }, { tenantId }) => ({
  body: await showCourse(tenantId, path.course_id),
}));
