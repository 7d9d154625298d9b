import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { listCoursesPage } from '../../lib/units/courses';
import { pageQuery } from '../../lib/units/reference-schemas';

export const handler = httpHandler(
  { surface: 'units', input: z.object({ query: pageQuery }) },
  async ({ query }, { tenantId }) => ({ body: await listCoursesPage(tenantId, query.page, query.per_page) }),
);
