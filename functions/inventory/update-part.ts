import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { updatePart } from '../../lib/inventory/parts';
import { partChanges, partIdPath } from '../../lib/inventory/reference-schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.partBody, bodyRoot: 'part', input: z.object({ path: partIdPath, body: partChanges }) },
  async ({ path, body }, { tenantId }) => ({ body: { part: await updatePart(tenantId, path.part_id, body) } }),
);
