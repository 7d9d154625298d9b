import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { courseId, expirationDate, totalRegistrationCodes } from '../../lib/enrollment/fields';
import { generateCourseCodes } from '../../lib/enrollment/generate';

export const handler = httpHandler(
  {
    surface: 'enrollment',
    input: z.object({
      body: z.object({
        course_id: courseId,
        total_registration_codes: totalRegistrationCodes,
        expiration_date: expirationDate.optional(),
      }),
    }),
  },
  async ({ body }, { tenantId }) => {
    const codes = await generateCourseCodes(tenantId, body.course_id, body.total_registration_codes, body.expiration_date);
    return { body: { course_id: body.course_id, codes, course_url: `/courses/${body.course_id}/about` } };
  },
);
