/**
 * The tenant's webhook endpoints over HTTP: create (with the event types wanted; answers the
 * signing secret once), list, delete, rotate the secret; each endpoint's delivery log and a
 * redeliver call. docs/EVENTS.md.
 */
import { lookup } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors';
import { isBlocked } from './address-guard';
import { deliveryView, endpointView, type Endpoint } from './model';
import { deliveryQueue } from './queue';
import { deleteEndpoint, listDeliveries, listEndpoints, markPending, putEndpoint, setSecret } from './repository';
import { urlProblem } from './send';
import { newSecret } from './signing';
import { webhookSettings } from './settings';

/** At most this many endpoints per tenant (each event is one delivery per endpoint). */
export const maxEndpoints = 16;

/** The URL's scheme and address, its name resolved now too (checked again at every delivery). */
async function checkUrl(url: string): Promise<void> {
  const s = webhookSettings();
  const problem = urlProblem(url, s);
  if (problem) throw new ValidationError(problem);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  // A name that does not resolve now is accepted: every delivery resolves and checks it again.
  const addresses = await lookup(host, { all: true }).catch(() => []);
  if (addresses.some((a) => isBlocked(a.address, s.allowLoopback))) {
    throw new ValidationError('url must not point at a private, loopback, link-local or metadata address');
  }
}

export async function createEndpoint(tenantId: string, input: { url: string; event_types: string[]; description?: string | null | undefined }) {
  await checkUrl(input.url);
  const endpoint: Endpoint = {
    id: `we_${randomBytes(12).toString('base64url')}`,
    url: input.url,
    event_types: [...new Set(input.event_types)],
    description: input.description ?? null,
    secret: newSecret(),
    created_at: new Date().toISOString(),
  };
  if (!(await putEndpoint(tenantId, endpoint, maxEndpoints))) throw new ValidationError(`at most ${maxEndpoints} webhook endpoints`);
  return { ...endpointView(endpoint), secret: endpoint.secret };
}

export async function listTenantEndpoints(tenantId: string) {
  return { results: (await listEndpoints(tenantId)).map(endpointView) };
}

export async function removeEndpoint(tenantId: string, id: string) {
  if (!(await deleteEndpoint(tenantId, id))) throw new NotFoundError();
  return { id, deleted: true as const };
}

/** A new secret at once (the old one stops signing now; deliveries in flight are signed with the new one). */
export async function rotateSecret(tenantId: string, id: string) {
  const endpoint = await setSecret(tenantId, id, newSecret());
  if (!endpoint) throw new NotFoundError();
  return { ...endpointView(endpoint), secret: endpoint.secret };
}

export async function endpointDeliveries(tenantId: string, id: string, limit: number) {
  if (!(await listEndpoints(tenantId)).some((e) => e.id === id)) throw new NotFoundError();
  return { results: (await listDeliveries(tenantId, id, limit)).map(deliveryView) };
}

/** Queues the event's delivery to the endpoint again, whatever its status. */
export async function redeliver(tenantId: string, endpointId: string, eventId: string) {
  const found = (await listDeliveries(tenantId, endpointId, 100)).find((d) => d.event.id === eventId);
  if (!found) throw new NotFoundError();
  const delivery = await markPending(tenantId, endpointId, found.sk);
  if (!delivery) throw new NotFoundError();
  await deliveryQueue().send([{ tenantId, endpointId, sk: found.sk, force: true }]);
  return deliveryView(delivery);
}
