import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { paginationHeaders } from '../../lib/inventory/pagination';
import { listPartsPage } from '../../lib/inventory/parts';
import { partsQuery } from '../../lib/inventory/schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.partsBody, input: z.object({ query: partsQuery }) },
  async ({ query }, { tenantId }) => {
    const { parts, pagination } = await listPartsPage(tenantId, query);
    return { headers: paginationHeaders(pagination), body: { parts } };
  },
);
