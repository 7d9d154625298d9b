import { handler as httpHandler } from '../../lib/http/handler';
import { endpointDeliveries } from '../../lib/webhooks/endpoints';
import * as responses from '../../lib/webhooks/responses';
import { deliveriesRequest } from '../../lib/webhooks/schemas';

export const handler = httpHandler({ surface: 'enrollment', output: responses.deliveryList, input: deliveriesRequest }, async ({ path, query }, { tenantId }) => ({
  body: await endpointDeliveries(tenantId, path.endpoint_id, query.limit),
}));
