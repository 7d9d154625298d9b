import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { createPart } from '../../lib/inventory/parts';
import { partFields } from '../../lib/inventory/reference-schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.partBody, status: 201, bodyRoot: 'part', input: z.object({ body: partFields }) },
  async ({ body }, { tenantId }) => ({ statusCode: 201, body: { part: await createPart(tenantId, body) } }),
);
