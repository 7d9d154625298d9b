import { handler as httpHandler } from '../../lib/http/handler';
import { statusRequest } from '../../lib/enrollment/schemas';
import { changeCodeStatus } from '../../lib/enrollment/status';
import * as responses from '../../lib/enrollment/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.success, input: statusRequest }, async ({ body }, { tenantId }) => {
  await changeCodeStatus(tenantId, body.enrollment_code, body.action);
  return { body: { success: 'true' } };
});
