import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { getInventory } from '../../lib/units/inventories';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.inventory, input: z.object({}) },
  async (_input, { tenantId }) => ({ body: { ...(await getInventory(tenantId)) } }),
);
