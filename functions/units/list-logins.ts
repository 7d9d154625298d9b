import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { listLoginsPage } from '../../lib/units/logins';
import { pageQuery } from '../../lib/units/reference-schemas';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.loginsPage, input: z.object({ query: pageQuery }) },
  async ({ query }, { tenantId }) => ({ body: await listLoginsPage(tenantId, query.page, query.per_page) }),
);
