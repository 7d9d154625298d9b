import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { createUnit } from '../../lib/inventory/create';
import { bodyId, editableFields, flag, inventoryRecord, optionalText, positiveDecimal } from '../../lib/inventory/body-schemas';
import { partPath } from '../../lib/inventory/schemas';
import * as responses from '../../lib/inventory/responses';

const body = editableFields.extend({
  inventory_sublocation_id: bodyId,
  unit_id: bodyId,
  quantity: positiveDecimal,
  asset_id: optionalText,
  sublocation_bin: optionalText,
  generate_asset_id: flag,
  inventory_record: inventoryRecord,
});

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitBody, status: 201, bodyRoot: 'inventory_unit', input: z.object({ path: partPath, body }) },
  async ({ path, body: { inventory_record, ...fields } }, { tenantId }) => ({
    statusCode: 201,
    body: { inventory_unit: await createUnit(tenantId, path.part_id, { ...fields, comment: inventory_record.comment }) },
  }),
);
