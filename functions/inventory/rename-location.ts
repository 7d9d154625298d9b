import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { renameLocation } from '../../lib/inventory/locations';
import { locationPath, namedBody } from '../../lib/inventory/reference-schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.locationBody, bodyRoot: 'inventory_location', input: z.object({ path: locationPath, body: namedBody }) },
  async ({ path, body }, { tenantId }) => ({
    body: { inventory_location: await renameLocation(tenantId, path.location_id, body.name) },
  }),
);
