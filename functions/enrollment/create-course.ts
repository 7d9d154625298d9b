import { handler as httpHandler } from '../../lib/http/handler';
import { createCourse } from '../../lib/enrollment/courses';
import { createCourseRequest } from '../../lib/enrollment/reference-schemas';

export const handler = httpHandler({ surface: 'enrollment', input: createCourseRequest }, async ({ body }, { tenantId }) => ({
  statusCode: 201,
  body: await createCourse(tenantId, body),
}));
