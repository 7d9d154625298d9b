/** What a webhook endpoint and a delivery are (no DynamoDB, no HTTP). docs/EVENTS.md. */
import type { AllotEvent } from '../events/envelope';

export interface Endpoint {
  id: string;
  url: string;
  /** Event types wanted; `*` is every type. */
  event_types: string[];
  description: string | null;
  /** The signing secret (`whsec_...`): HMAC needs it as is, so it is stored, unlike credentials. */
  secret: string;
  created_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';

export interface Delivery {
  endpoint_id: string;
  /** The delivery's key within the endpoint (`<event time>#<event id>`). */
  sk: string;
  event: AllotEvent;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
}

/** What the deliveries queue carries: which delivery to attempt (the event is in its item). */
export interface DeliveryRef {
  tenantId: string;
  endpointId: string;
  sk: string;
  /** A redeliver call: send even if delivered before. */
  force?: boolean;
}

export const wants = (endpoint: Pick<Endpoint, 'event_types'>, type: string): boolean =>
  endpoint.event_types.includes('*') || endpoint.event_types.includes(type);

/** How an endpoint is shown: never its secret (only create and rotate answer it, once). */
export function endpointView(e: Endpoint) {
  return { id: e.id, url: e.url, event_types: e.event_types, description: e.description, created_at: e.created_at };
}

export function deliveryView(d: Delivery) {
  return {
    id: d.sk,
    event_id: d.event.id,
    event_type: d.event.type,
    event_time: d.event.time,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    last_attempt_at: d.last_attempt_at,
    delivered_at: d.delivered_at,
  };
}
