import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { createSublocation } from '../../lib/inventory/locations';
import { locationPath, namedBody } from '../../lib/inventory/reference-schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.sublocationBody, status: 201, bodyRoot: 'inventory_sublocation', input: z.object({ path: locationPath, body: namedBody }) },
  async ({ path, body }, { tenantId }) => ({
    statusCode: 201,
    body: { inventory_sublocation: await createSublocation(tenantId, path.location_id, body.name) },
  }),
);
