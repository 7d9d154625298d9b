import * as z from 'zod';
import { handler as httpHandler } from '../../lib/http/handler';
import { countMetric } from '../../lib/metrics';
import { assignUnits } from '../../lib/units/assign';
import { assignBody } from '../../lib/units/schemas';
import * as responses from '../../lib/units/responses';

export const handler = httpHandler(
  { surface: 'units', output: responses.assignResult, bodyRoot: 'content', input: z.object({ body: assignBody }) },
  async ({ body }, { tenantId, requestId, remainingTimeMs }) => {
    const request = { courseCodes: body.course_codes, loginIds: body.login_ids };
    const result = await assignUnits(tenantId, request, { requestId, remainingMs: remainingTimeMs });
    countMetric('unitsAssigned', result.unitsCharged);
    countMetric('unitsOwed', result.unitsOwed);
    return { body: result.unitsOwed > 0 ? { extra_payment: String(result.unitsOwed) } : {} };
  },
);
