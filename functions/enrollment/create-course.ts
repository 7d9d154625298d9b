import { handler as httpHandler } from '../../lib/http/handler';
import { createCourse } from '../../lib/enrollment/courses';
import { createCourseRequest } from '../../lib/enrollment/reference-schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.course, status: 201, input: createCourseRequest }, async ({ body }, { tenantId }) => ({
  statusCode: 201,
  body: await createCourse(tenantId, body),
}));
