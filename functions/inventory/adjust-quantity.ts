import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { countMetric } from '../../lib/metrics';
import { inventoryRecord, quantityChange } from '../../lib/inventory/body-schemas';
import { unitPath } from '../../lib/inventory/schemas';
import { adjustQuantity } from '../../lib/inventory/adjust';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  {
    surface: 'inventory',
    output: responses.unitBody,
    bodyRoot: 'inventory_unit',
    input: z.object({ path: unitPath, body: z.object({ quantity: quantityChange, inventory_record: inventoryRecord }) }),
  },
  async ({ path, body }, { tenantId }) => {
    const unit = await adjustQuantity(tenantId, path.part_id, path.id, { quantity: body.quantity, ...body.inventory_record });
    countMetric('stockAdjustments', 1);
    return { body: { inventory_unit: unit } };
  },
);
