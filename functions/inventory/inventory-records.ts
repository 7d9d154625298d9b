import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { unitPath } from '../../lib/inventory/schemas';
import { unitRecords } from '../../lib/inventory/records';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.recordsBody, input: z.object({ path: unitPath }) },
  async ({ path }, { tenantId }) => ({
    body: { inventory_records: await unitRecords(tenantId, path.part_id, path.id) },
  }),
);
