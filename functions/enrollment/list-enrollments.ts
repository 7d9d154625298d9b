import { handler as httpHandler } from '../../lib/http/handler';
import { listEnrollmentsPage } from '../../lib/enrollment/enrollments';
import { baseUrlFor } from '../../lib/enrollment/list';
import { listEnrollmentsRequest } from '../../lib/enrollment/reference-schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.enrollmentsPage, input: listEnrollmentsRequest }, async ({ query, headers }, { tenantId }) => ({
  body: {
    ...(await listEnrollmentsPage(tenantId, {
      courseId: query.course_id,
      page: query.page,
      perPage: query.per_page,
      baseUrl: baseUrlFor(headers, '/api/enrollment/v1/enrollments'),
    })),
  },
}));
