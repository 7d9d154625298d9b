import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { bodyId, inventoryRecord, optionalText } from '../../lib/inventory/body-schemas';
import { unitPath } from '../../lib/inventory/schemas';
import { moveUnit } from '../../lib/inventory/move';
import * as responses from '../../lib/inventory/responses';

const body = z.object({
  inventory_sublocation_id: bodyId,
  sublocation_bin: optionalText,
  inventory_record: inventoryRecord,
});

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitBody, bodyRoot: 'inventory_unit', input: z.object({ path: unitPath, body }) },
  async ({ path, body: { inventory_record, ...fields } }, { tenantId }) => ({
    body: { inventory_unit: await moveUnit(tenantId, path.part_id, path.id, { ...fields, comment: inventory_record.comment }) },
  }),
);
