import { handler as httpHandler } from '../../lib/http/handler';
import { exportCodesCsv } from '../../lib/enrollment/enrollments';
import { baseUrlFor } from '../../lib/enrollment/list';
import { exportCodesRequest } from '../../lib/enrollment/reference-schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.codesCsv, textType: 'text/csv', input: exportCodesRequest }, async ({ query, headers }, { tenantId }) => {
  const { csv, nextPage } = await exportCodesCsv(tenantId, {
    courseId: query.course_id,
    page: query.page,
    baseUrl: baseUrlFor(headers, '/api/enrollment/v1/codes.csv'),
  });
  const file = `${query.course_id.replace(/[^\w.+-]/g, '_')}-codes${query.page > 1 ? `-${query.page}` : ''}.csv`;
  return {
    headers: { 'Content-Disposition': `attachment; filename="${file}"`, ...(nextPage ? { Link: `<${nextPage}>; rel="next"` } : {}) },
    body: {},
    text: { body: csv, contentType: 'text/csv; charset=utf-8' },
  };
});
