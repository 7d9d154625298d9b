import { handler as httpHandler } from '../../lib/http/handler';
import { rotateSecret } from '../../lib/webhooks/endpoints';
import * as responses from '../../lib/webhooks/responses';
import { endpointPath } from '../../lib/webhooks/schemas';

export const handler = httpHandler({ surface: 'enrollment', output: responses.endpointWithSecret, input: endpointPath }, async ({ path }, { tenantId }) => ({
  body: await rotateSecret(tenantId, path.endpoint_id),
}));
