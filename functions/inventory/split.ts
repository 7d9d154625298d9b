import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { splitUnit } from '../../lib/inventory/split';
import { bodyId, flag, inventoryRecord, lenientDecimal, optionalText } from '../../lib/inventory/body-schemas';
import { unitPath } from '../../lib/inventory/schemas';
import * as responses from '../../lib/inventory/responses';

const body = z.object({
  inventory_sublocation_id: bodyId,
  // Not rejected here: the domain answers every bad quantity with the seed's exact messages.
  quantity: lenientDecimal,
  asset_id: optionalText,
  sublocation_bin: optionalText,
  generate_asset_id: flag,
  inventory_record: inventoryRecord,
});

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitsBody, bodyRoot: 'inventory_unit', input: z.object({ path: unitPath, body }) },
  async ({ path, body: { inventory_record, ...fields } }, { tenantId }) => ({
    body: {
      inventory_units: await splitUnit(tenantId, path.part_id, path.id, { ...fields, comment: inventory_record.comment }),
    },
  }),
);
