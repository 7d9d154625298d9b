import { handler as httpHandler } from '../../lib/http/handler';
import { removeEndpoint } from '../../lib/webhooks/endpoints';
import * as responses from '../../lib/webhooks/responses';
import { endpointPath } from '../../lib/webhooks/schemas';

export const handler = httpHandler({ surface: 'enrollment', output: responses.deleted, input: endpointPath }, async ({ path }, { tenantId }) => ({
  body: await removeEndpoint(tenantId, path.endpoint_id),
}));
