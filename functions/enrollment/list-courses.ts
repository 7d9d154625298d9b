import { handler as httpHandler } from '../../lib/http/handler';
import { listCoursesPage } from '../../lib/enrollment/courses';
import { baseUrlFor } from '../../lib/enrollment/list';
import { listCoursesRequest } from '../../lib/enrollment/reference-schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.coursesPage, input: listCoursesRequest }, async ({ query, headers }, { tenantId }) => ({
  body: { ...(await listCoursesPage(tenantId, query.page, query.per_page, baseUrlFor(headers, '/api/enrollment/v1/courses'))) },
}));
