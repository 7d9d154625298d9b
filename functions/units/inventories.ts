import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { getInventory } from '../../lib/units/inventory';

export const handler = httpHandler(
  { surface: 'units', input: z.object({}) },
  async (_input, { tenantId }) => ({ body: { ...(await getInventory(tenantId)) } }),
);
