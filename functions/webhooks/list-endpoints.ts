import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { listTenantEndpoints } from '../../lib/webhooks/endpoints';
import * as responses from '../../lib/webhooks/responses';

export const handler = httpHandler({ surface: 'enrollment', output: responses.endpointList, input: z.object({}) }, async (_input, { tenantId }) => ({
  body: await listTenantEndpoints(tenantId),
}));
