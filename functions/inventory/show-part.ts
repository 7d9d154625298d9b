import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { showPart } from '../../lib/inventory/parts';
import { partIdPath } from '../../lib/inventory/schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.partBody, input: z.object({ path: partIdPath }) },
  async ({ path }, { tenantId }) => ({ body: { part: await showPart(tenantId, path.part_id) } }),
);
