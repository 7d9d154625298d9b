import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { paginationHeaders } from '../../lib/inventory/pagination';
import { pageQuery } from '../../lib/inventory/schemas';
import { searchUnits } from '../../lib/inventory/search';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitsBody, input: z.object({ query: pageQuery.loose() }) },
  async ({ query: { page, per_page, ...criteria } }, { tenantId }) => {
    const { units, pagination } = await searchUnits(tenantId, criteria, { page, per_page });
    return { headers: paginationHeaders(pagination), body: { inventory_units: units } };
  },
);
