/**
 * An event -> one delivery per endpoint of its tenant that wants its type: the delivery's log
 * item (written once) and a message on the deliveries queue. One Query per tenant of the batch.
 */
import type { AllotEvent } from '../events/envelope';
import { wants, type DeliveryRef } from './model';
import { deliveryQueue, type DeliveryQueue } from './queue';
import { listEndpoints, putDeliveryIfAbsent } from './repository';

export async function fanOut(events: AllotEvent[], queue: DeliveryQueue = deliveryQueue(), nowMs = Date.now()): Promise<number> {
  const byTenant = new Map<string, AllotEvent[]>();
  for (const e of events) byTenant.set(e.tenant, [...(byTenant.get(e.tenant) ?? []), e]);
  const refs: DeliveryRef[] = [];
  for (const [tenantId, tenantEvents] of byTenant) {
    const endpoints = await listEndpoints(tenantId);
    for (const event of tenantEvents) {
      for (const endpoint of endpoints.filter((e) => wants(e, event.type))) {
        const sk = await putDeliveryIfAbsent(tenantId, endpoint.id, event, nowMs);
        refs.push({ tenantId, endpointId: endpoint.id, sk });
      }
    }
  }
  if (refs.length) await queue.send(refs);
  return refs.length;
}
