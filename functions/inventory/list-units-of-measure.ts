import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { listUnitsOfMeasurePage } from '../../lib/inventory/locations';
import { paginationHeaders } from '../../lib/inventory/pagination';
import { listQuery } from '../../lib/inventory/schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitsOfMeasureBody, input: z.object({ query: listQuery }) },
  async ({ query }, { tenantId }) => {
    const { units, pagination } = await listUnitsOfMeasurePage(tenantId, query);
    return { headers: paginationHeaders(pagination), body: { units } };
  },
);
