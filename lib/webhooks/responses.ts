/** Success bodies of the webhook endpoints (zod), for `handler({ output })` and docs/openapi.json. */
import * as z from 'zod';

export const endpoint = z.object({
  id: z.string(),
  url: z.string(),
  event_types: z.array(z.string()),
  description: z.string().nullable(),
  created_at: z.string(),
});

/** Create and rotate: the signing secret, shown this once. */
export const endpointWithSecret = endpoint.extend({ secret: z.string() });

export const endpointList = z.object({ results: z.array(endpoint) });

export const deleted = z.object({ id: z.string(), deleted: z.literal(true) });

export const delivery = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  event_time: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'dead']),
  attempts: z.int().min(0),
  last_status_code: z.int().nullable(),
  last_error: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
});

export const deliveryList = z.object({ results: z.array(delivery) });
