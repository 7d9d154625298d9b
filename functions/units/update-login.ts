import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { updateLogin } from '../../lib/units/logins';
import { loginChanges, loginPath } from '../../lib/units/reference-schemas';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.login, bodyRoot: 'login', input: z.object({ path: loginPath, body: loginChanges }) },
  async ({ path, body }, { tenantId }) => ({ body: await updateLogin(tenantId, path.id, body) }),
);
