import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { enrollWithCode } from '../../lib/enrollment/enroll';
import { email, enrollmentCode } from '../../lib/enrollment/fields';

export const handler = httpHandler(
  {
    surface: 'enrollment',
    input: z.object({ body: z.object({ email, enrollment_code: enrollmentCode }) }),
  },
  async ({ body }, { tenantId }) => {
    await enrollWithCode(tenantId, body.email, body.enrollment_code);
    return { body: { success: 'true' } };
  },
);
