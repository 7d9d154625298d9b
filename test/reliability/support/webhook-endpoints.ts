/**
 * The reliability suite's entries for the webhook endpoints (docs/EVENTS.md), joined into `specs`
 * in endpoints.ts. They authenticate like the enrollment surface (Bearer) and answer its error
 * shapes; another tenant's endpoint is answered as missing (400, "Not found").
 */
import { expect } from 'vitest';
import { useDeliveryQueue } from '../../../lib/webhooks/queue';
import type { Response } from '../../helpers/http';
import type { CrossTenantCase, EndpointSpec } from './endpoints';
import type { World } from './world';

// The deliveries queue is SQS (AWS itself): a stand-in that accepts, for the redeliver call.
useDeliveryQueue({ send: async () => {} });

const missing = (params: (a: World) => Record<string, string>) => (a: World): CrossTenantCase => ({
  params: params(a),
  expect: (res: Response) => {
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ success: 'false', reason: 'Not found' });
  },
});
const endpoint = (w: World) => ({ endpoint_id: w.webhooks.endpointId });

export const webhookSpecs: Record<string, EndpointSpec> = {
  listWebhookEndpoints: {
    surface: 'enrollment',
    fields: [],
    valid: () => ({}),
    crossTenant: (a) => ({
      expect: (res) => {
        expect(res.statusCode).toBe(200);
        const ids = (res.json as { results: { id: string }[] }).results.map((e) => e.id);
        expect(ids).not.toContain(a.webhooks.endpointId);
        expect(ids).not.toContain(a.webhooks.spareId);
        expect(JSON.stringify(res.json)).not.toContain('whsec_'); // no secret is ever listed
      },
    }),
  },
  createWebhookEndpoint: {
    surface: 'enrollment',
    fields: ['url', 'event_types', 'description'],
    valid: () => ({ body: { url: 'https://hooks.example.com/reliability', event_types: ['code.redeemed'] } }),
    createsInCaller: true,
    crossTenant: () => ({
      body: { url: 'https://hooks.example.com/other', event_types: ['*'] },
      expect: (res) => expect(res.statusCode, res.body).toBe(201),
    }),
  },
  deleteWebhookEndpoint: {
    surface: 'enrollment',
    fields: [],
    valid: (w) => ({ params: { endpoint_id: w.webhooks.spareId } }),
    crossTenant: missing((a) => ({ endpoint_id: a.webhooks.spareId })),
  },
  rotateWebhookSecret: {
    surface: 'enrollment',
    fields: [],
    valid: (w) => ({ params: endpoint(w) }),
    crossTenant: missing(endpoint),
  },
  listWebhookDeliveries: {
    surface: 'enrollment',
    fields: ['limit'],
    valid: (w) => ({ params: endpoint(w) }),
    crossTenant: missing(endpoint),
  },
  redeliverWebhook: {
    surface: 'enrollment',
    fields: [],
    valid: (w) => ({ params: { ...endpoint(w), event_id: w.webhooks.eventId } }),
    crossTenant: missing((a) => ({ ...endpoint(a), event_id: a.webhooks.eventId })),
  },
};
