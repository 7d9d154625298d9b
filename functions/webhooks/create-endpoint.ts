import { handler as httpHandler } from '../../lib/http/handler';
import { createEndpoint } from '../../lib/webhooks/endpoints';
import * as responses from '../../lib/webhooks/responses';
import { createEndpointRequest } from '../../lib/webhooks/schemas';

export const handler = httpHandler({ surface: 'enrollment', output: responses.endpointWithSecret, status: 201, input: createEndpointRequest }, async ({ body }, { tenantId }) => ({
  statusCode: 201,
  body: await createEndpoint(tenantId, body),
}));
