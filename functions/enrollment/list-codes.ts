import { handler as httpHandler } from '../../lib/http/handler';
import { baseUrl, listCourseCodes } from '../../lib/enrollment/list';
import { listRequest } from '../../lib/enrollment/schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.codesPage, input: listRequest }, async ({ query, headers }, { tenantId }) => {
  const page = await listCourseCodes(tenantId, {
    courseId: query.course_id,
    page: query.page,
    perPage: query.per_page,
    baseUrl: baseUrl(headers),
  });
  return { body: { ...page } };
});
