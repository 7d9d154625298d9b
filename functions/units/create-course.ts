import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { createCourse } from '../../lib/units/courses';
import { courseBody } from '../../lib/units/reference-schemas';

export const handler = httpHandler(
  { surface: 'units', bodyRoot: 'course', input: z.object({ body: courseBody }) },
  async ({ body }, { tenantId }) => ({ statusCode: 201, body: await createCourse(tenantId, body) }),
);
