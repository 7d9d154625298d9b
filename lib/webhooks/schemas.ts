/** Request schemas of the webhook endpoints (zod). */
import * as z from 'zod';
import { EVENT_TYPES } from '../events/catalogue';

const eventType = z.union([z.literal('*'), z.enum(EVENT_TYPES)], { error: 'event_types: each must be "*" or a type of docs/EVENTS.md' });

export const createEndpointRequest = z.object({
  body: z.object({
    url: z.string({ error: 'url is required' }).max(2048, 'url: at most 2048 characters'),
    event_types: z.array(eventType, { error: 'event_types must be a list' }).min(1, 'event_types: at least one').max(50),
    description: z.string().max(500, 'description: at most 500 characters').nullish(),
  }),
});

// Any id is looked up (an unknown one is answered as not found, like another tenant's).
const id = z.string().min(1).max(100);

export const endpointPath = z.object({ path: z.object({ endpoint_id: id }) });

export const deliveriesRequest = z.object({
  path: z.object({ endpoint_id: id }),
  query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
});

export const redeliverRequest = z.object({
  path: z.object({ endpoint_id: id, event_id: id }),
});
