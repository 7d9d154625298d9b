import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { updateCourse } from '../../lib/units/courses';
import { courseChanges, coursePath } from '../../lib/units/reference-schemas';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.course, bodyRoot: 'course', input: z.object({ path: coursePath, body: courseChanges }) },
  async ({ path, body }, { tenantId }) => ({ body: await updateCourse(tenantId, path.code, body) }),
);
