import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { courseId, page, perPage } from '../../lib/enrollment/fields';
import { baseUrl, listCourseCodes } from '../../lib/enrollment/list';

export const handler = httpHandler(
  {
    surface: 'enrollment',
    input: z.object({
      query: z.object({ course_id: courseId, page, per_page: perPage }),
      // Only for the absolute next/previous links.
      headers: z.object({ host: z.string().optional(), 'x-forwarded-proto': z.string().optional() }),
    }),
  },
  async ({ query, headers }, { tenantId }) => {
    const page = await listCourseCodes(tenantId, {
      courseId: query.course_id,
      page: query.page,
      perPage: query.per_page,
      baseUrl: baseUrl(headers),
    });
    return { body: { ...page } };
  },
);
