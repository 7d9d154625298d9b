import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { unitPath } from '../../lib/inventory/schemas';
import { showUnit } from '../../lib/inventory/show';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitBody, input: z.object({ path: unitPath }) },
  async ({ path }, { tenantId }) => ({ body: { inventory_unit: await showUnit(tenantId, path.part_id, path.id) } }),
);
