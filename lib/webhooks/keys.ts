/**
 * The webhooks' items, in the tenants table (tenant configuration, like credentials; no table of
 * their own). Built here and nowhere else; commands in repository.ts. docs/EVENTS.md.
 *
 *   WEBHOOKS#<tenant>                  / EP#<endpoint id>          one endpoint: url, event_types, secret, created_at
 *   WEBHOOKS#<tenant>                  / COUNT                     n: how many endpoints (the cap, kept by the
 *                                                                  transactions that add and remove one)
 *   WHDELIV#<tenant>#<endpoint id>     / <event time>#<event id>   one event's delivery to it: the event, status,
 *                                                                  attempts, last_status_code, last_error, ttl
 *
 * Deliveries sort by the event's time within an endpoint (the delivery log, newest first), and
 * one event is one item per endpoint (put if absent: a fan-out run twice adds nothing).
 */
import type { Key } from '../db/types';

export const endpointsPk = (tenantId: string) => `WEBHOOKS#${tenantId}`;
export const endpointPrefix = 'EP#';
export const endpointKey = (tenantId: string, endpointId: string): Key => ({ pk: endpointsPk(tenantId), sk: `${endpointPrefix}${endpointId}` });
export const endpointCountKey = (tenantId: string): Key => ({ pk: endpointsPk(tenantId), sk: 'COUNT' });
export const deliveriesPk = (tenantId: string, endpointId: string) => `WHDELIV#${tenantId}#${endpointId}`;
export const deliverySk = (time: string, eventId: string) => `${time}#${eventId}`;
export const deliveryKey = (tenantId: string, endpointId: string, sk: string): Key => ({ pk: deliveriesPk(tenantId, endpointId), sk });
/** The delivery log keeps 30 days (DynamoDB TTL on the tenants table's `ttl`). */
export const deliveryKeepSeconds = 30 * 86_400;
