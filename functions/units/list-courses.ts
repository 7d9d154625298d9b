import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { listCoursesPage } from '../../lib/units/courses';
import { pageQuery } from '../../lib/units/reference-schemas';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.coursesPage, input: z.object({ query: pageQuery }) },
  async ({ query }, { tenantId }) => ({ body: await listCoursesPage(tenantId, query.page, query.per_page) }),
);
