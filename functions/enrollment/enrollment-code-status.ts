import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { action, enrollmentCode } from '../../lib/enrollment/fields';
import { changeCodeStatus } from '../../lib/enrollment/status';

export const handler = httpHandler(
  {
    surface: 'enrollment',
    input: z.object({ body: z.object({ enrollment_code: enrollmentCode, action }) }),
  },
  async ({ body }, { tenantId }) => {
    await changeCodeStatus(tenantId, body.enrollment_code, body.action);
    return { body: { success: 'true' } };
  },
);
