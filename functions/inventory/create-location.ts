import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { createLocation } from '../../lib/inventory/locations';
import { namedBody } from '../../lib/inventory/reference-schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.locationBody, status: 201, bodyRoot: 'inventory_location', input: z.object({ body: namedBody }) },
  async ({ body }, { tenantId }) => ({ statusCode: 201, body: { inventory_location: await createLocation(tenantId, body.name) } }),
);
