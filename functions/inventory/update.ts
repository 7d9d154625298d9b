import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { editableFields } from '../../lib/inventory/body-schemas';
import { unitPath } from '../../lib/inventory/schemas';
import { updateUnit } from '../../lib/inventory/update';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitBody, bodyRoot: 'inventory_unit', input: z.object({ path: unitPath, body: editableFields }) },
  async ({ path, body }, { tenantId }) => ({
    body: { inventory_unit: await updateUnit(tenantId, path.part_id, path.id, body) },
  }),
);
