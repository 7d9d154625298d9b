import { handler as httpHandler } from '../../lib/http/handler';
import { countMetric } from '../../lib/metrics';
import { enrollWithCode } from '../../lib/enrollment/enroll';
import { enrollRequest } from '../../lib/enrollment/schemas';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.success, input: enrollRequest }, async ({ body }, { tenantId }) => {
  await enrollWithCode(tenantId, body.email, body.enrollment_code);
  countMetric('codesRedeemed', 1);
  return { body: { success: 'true' } };
});
