import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { createUnitOfMeasure } from '../../lib/inventory/locations';
import { namedBody } from '../../lib/inventory/reference-schemas';
import * as responses from '../../lib/inventory/responses';

export const handler = httpHandler(
  { surface: 'inventory', output: responses.unitOfMeasureBody, status: 201, bodyRoot: 'unit', input: z.object({ body: namedBody }) },
  async ({ body }, { tenantId }) => ({ statusCode: 201, body: { unit: await createUnitOfMeasure(tenantId, body.name) } }),
);
