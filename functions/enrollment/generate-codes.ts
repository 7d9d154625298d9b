import { handler as httpHandler } from '../../lib/http/handler';
import { countMetric } from '../../lib/metrics';
import { generateCourseCodes } from '../../lib/enrollment/generate';
import { generateRequest } from '../../lib/enrollment/schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.generated, input: generateRequest }, async ({ body }, { tenantId, remainingTimeMs, requestKey }) => {
  const codes = await generateCourseCodes(tenantId, body.course_id, body.total_registration_codes, body.expiration_date, {
    remainingMs: remainingTimeMs,
    ...(requestKey ? { requestKey } : {}),
  });
  countMetric('codesGenerated', codes.length);
  return { body: { course_id: body.course_id, codes, course_url: `/courses/${body.course_id}/about` } };
});
