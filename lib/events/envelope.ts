/**
 * The integration events' envelope: CloudEvents 1.0 (https://cloudevents.io), structured mode
 * (the whole event is the JSON body of a webhook delivery and the `detail` of an EventBridge
 * entry). Why CloudEvents rather than EventBridge's envelope: webhook receivers are outside AWS,
 * and CloudEvents is the vendor-neutral standard they have SDKs for; EventBridge still wraps each
 * event in its own envelope (source `allot.<surface>`, detail-type = the event type), so AWS-side
 * rules match on `detail-type` and `detail.tenant`. docs/EVENTS.md is the catalogue.
 */
import { createHash } from 'node:crypto';

/** The version of the catalogue's data schemas (docs/EVENTS.md); a breaking change bumps it. */
export const SCHEMA_VERSION = '1';

export type EventSurface = 'units' | 'inventory' | 'enrollment';

export interface AllotEvent {
  specversion: '1.0';
  /** Stable across redeliveries and re-reads of the stream: consumers dedupe by it. */
  id: string;
  /** `/allot/<surface>` */
  source: string;
  /** e.g. `code.redeemed` (docs/EVENTS.md) */
  type: string;
  /** When the change happened (RFC 3339). */
  time: string;
  /** The changed entity, in the API's identifiers (`courses/<course_id>/codes/<code>`). */
  subject: string;
  datacontenttype: 'application/json';
  /** CloudEvents extension attributes: the tenant, the data schema's version. */
  tenant: string;
  schemaversion: string;
  data: Record<string, unknown>;
}

/**
 * The event id: a digest of what identifies the change in the log of record (table, item key,
 * and the item's version or the step of its life), never of the delivery. A stream record read
 * twice (a retried Lambda batch) or the same change mapped again gives the same id.
 */
export function eventId(parts: (string | number)[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}

export function envelope(e: {
  surface: EventSurface;
  type: string;
  idParts: (string | number)[];
  time: string;
  subject: string;
  tenant: string;
  data: Record<string, unknown>;
}): AllotEvent {
  return {
    specversion: '1.0',
    id: eventId([e.type, ...e.idParts]),
    source: `/allot/${e.surface}`,
    type: e.type,
    time: e.time,
    subject: e.subject,
    datacontenttype: 'application/json',
    tenant: e.tenant,
    schemaversion: SCHEMA_VERSION,
    data: e.data,
  };
}

/** The EventBridge source of an event: `allot.<surface>` (the webhook rule matches the prefix). */
export const busSource = (event: AllotEvent): string => `allot.${event.source.split('/').pop()}`;
