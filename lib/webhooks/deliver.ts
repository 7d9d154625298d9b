/**
 * One attempt of one delivery: read the endpoint and the delivery (one BatchGet), sign the
 * stored body with the endpoint's current secret, POST it (send.ts: SSRF guard, time limit,
 * bounded read), record the outcome. The caller schedules what the outcome asks: nothing, a
 * retry after `delayMs` (the SQS message's visibility, or the local runner's timer), or the
 * dead-letter queue after the last attempt.
 */
import { log } from '../log';
import { SIGNATURE_HEADER, signatureHeader } from './signing';
import type { DeliveryRef } from './model';
import { getEndpointAndDelivery, recordAttempt } from './repository';
import { send } from './send';
import { retryDelayMs, webhookSettings, type WebhookSettings } from './settings';

export type Outcome = { kind: 'done'; delivered: boolean } | { kind: 'retry'; delayMs: number; error: string } | { kind: 'dead'; error: string };

export async function attemptDelivery(ref: DeliveryRef, attempt: number, s: WebhookSettings = webhookSettings()): Promise<Outcome> {
  const { endpoint, delivery, body } = await getEndpointAndDelivery(ref.tenantId, ref.endpointId, ref.sk);
  // Endpoint deleted, or the log expired: nothing to send to / nothing to send.
  if (!endpoint || !delivery || body === undefined) return { kind: 'done', delivered: false };
  // A queue's duplicate of a delivery already made (SQS is at least once): not sent twice.
  if (delivery.status === 'delivered' && !ref.force) return { kind: 'done', delivered: false };
  const timestamp = Math.floor(Date.now() / 1000);
  const result = await send(endpoint.url, body, {
    [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, body),
    'Allot-Event-Id': delivery.event.id,
    'Allot-Event-Type': delivery.event.type,
    'Allot-Delivery-Attempt': String(attempt),
  }, s);
  const at = new Date().toISOString();
  if (result.ok) {
    await recordAttempt(ref.tenantId, ref.endpointId, ref.sk, { status: 'delivered', statusCode: result.statusCode, error: null, at });
    return { kind: 'done', delivered: true };
  }
  const error = result.error ?? 'failed';
  const dead = attempt >= s.maxAttempts;
  await recordAttempt(ref.tenantId, ref.endpointId, ref.sk, { status: dead ? 'dead' : 'failed', statusCode: result.statusCode, error, at });
  log({ level: dead ? 'error' : 'warn', msg: 'webhook delivery failed', tenantId: ref.tenantId, endpointId: ref.endpointId, attempt, reason: error });
  return dead ? { kind: 'dead', error } : { kind: 'retry', delayMs: retryDelayMs(attempt, s), error };
}
