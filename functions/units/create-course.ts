import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { createCourse } from '../../lib/units/courses';
import { courseBody } from '../../lib/units/reference-schemas';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.course, status: 201, bodyRoot: 'course', input: z.object({ body: courseBody }) },
  async ({ body }, { tenantId }) => ({ statusCode: 201, body: await createCourse(tenantId, body) }),
);
