import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { createLogin } from '../../lib/units/logins';
import { loginBody } from '../../lib/units/reference-schemas';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.login, status: 201, bodyRoot: 'login', input: z.object({ body: loginBody }) },
  async ({ body }, { tenantId }) => ({ statusCode: 201, body: await createLogin(tenantId, body) }),
);
