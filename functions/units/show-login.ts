import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { showLogin } from '../../lib/units/logins';
import { loginPath } from '../../lib/units/reference-schemas';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.login, input: z.object({ path: loginPath }) },
  async ({ path }, { tenantId }) => ({ body: await showLogin(tenantId, path.id) }),
);
