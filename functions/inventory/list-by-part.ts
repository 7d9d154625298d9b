import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { paginationHeaders } from '../../lib/inventory/pagination';
import { pageQuery, partPath } from '../../lib/inventory/schemas';
import { listPartUnits } from '../../lib/inventory/list-by-part';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitsBody, input: z.object({ path: partPath, query: pageQuery }) },
  async ({ path, query }, { tenantId }) => {
    const { units, pagination } = await listPartUnits(tenantId, path.part_id, query);
    return { headers: paginationHeaders(pagination), body: { inventory_units: units } };
  },
);
