import { handler as httpHandler } from '../../lib/http/handler';
import { redeliver } from '../../lib/webhooks/endpoints';
import * as responses from '../../lib/webhooks/responses';
import { redeliverRequest } from '../../lib/webhooks/schemas';

export const handler = httpHandler({ surface: 'enrollment', output: responses.delivery, input: redeliverRequest }, async ({ path }, { tenantId }) => ({
  body: await redeliver(tenantId, path.endpoint_id, path.event_id),
}));
