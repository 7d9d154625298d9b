import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { renameSublocation } from '../../lib/inventory/locations';
import { namedBody, sublocationPath } from '../../lib/inventory/reference-schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.sublocationBody, bodyRoot: 'inventory_sublocation', input: z.object({ path: sublocationPath, body: namedBody }) },
  async ({ path, body }, { tenantId }) => ({
    body: { inventory_sublocation: await renameSublocation(tenantId, path.location_id, path.id, body.name) },
  }),
);
