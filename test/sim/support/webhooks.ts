/**
 * Webhook endpoints (docs/EVENTS.md): a tenant one endpoint below the cap (maxEndpoints), the
 * demo endpoint with one delivery. Creates race for the last place; deletes, rotations and
 * redeliveries run beside them. The deliveries queue (SQS, AWS itself) is the fake of
 * test/helpers/fake-aws.ts, started by the suite.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { putAllIfAbsent } from '../../../lib/db/seed';
import { maxEndpoints } from '../../../lib/webhooks/endpoints';
import { demoEvent, demoWebhookItems } from '../../../lib/webhooks/demo';
import { endpointKey, endpointsPk } from '../../../lib/webhooks/keys';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import type { HttpOp, Op, Outcome, Surface } from './sim';
import { scanRaw } from './tables';

export interface WebhooksWorld extends TestTenant {
  /** Endpoints in the world: the cap less one. */
  start: number;
  eventId: string;
}

export async function webhooksWorld(): Promise<WebhooksWorld> {
  const tenant = await createTenant('sim-w');
  const t = tenant.tenantId;
  const demo = demoWebhookItems(t);
  // The demo's two endpoints and count, then more endpoints up to one below the cap.
  const extra = Array.from({ length: maxEndpoints - 3 }, (_, i) => ({
    ...endpointKey(t, `we_fill${i}`), id: `we_fill${i}`, url: 'https://hooks.example.com/fill', event_types: ['*'], description: null, secret: 'whsec_fill', created_at: '2026-01-01T00:00:00.000Z',
  }));
  const items = demo.map((item) => (item.sk === 'COUNT' ? { ...item, n: maxEndpoints - 1 } : item));
  await putAllIfAbsent('tenants', [...items, ...extra]);
  return { ...tenant, start: maxEndpoints - 1, eventId: demoEvent(t).id };
}

const clientArb = fc.record({ key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }), retries: fc.integer({ min: 0, max: 2 }), replay: fc.boolean() });

function http(w: WebhooksWorld, fn: string, label: string, method: string, route: string, path: string, body: unknown, client: { key?: string; retries: number; replay: boolean }): HttpOp {
  return {
    kind: 'http', fn, label, retries: client.retries, replay: client.replay,
    ...(client.key ? { key: `${fn}-${label}-${client.key}` } : {}),
    spec: { method, route, path, headers: { authorization: `Bearer ${w.bearerToken}` }, ...(body === undefined ? {} : { body: body as never }) },
  };
}

const base = '/api/webhooks/v1/endpoints';

export const webhooksOps: Surface<WebhooksWorld>['ops'] = {
  createWebhookEndpoint: fc.record({ n: fc.constantFrom(1, 2), client: clientArb }).map(({ n, client }) => (w: WebhooksWorld): Op =>
    http(w, 'createWebhookEndpoint', `create endpoint ${n}`, 'POST', base, base, { url: `https://hooks.example.com/${n}`, event_types: ['code.redeemed'] }, client)),
  deleteWebhookEndpoint: fc.record({ which: fc.constantFrom('we_demo_spare', 'we_fill0'), client: clientArb }).map(({ which, client }) => (w: WebhooksWorld): Op =>
    http(w, 'deleteWebhookEndpoint', `delete ${which}`, 'DELETE', `${base}/{endpoint_id}`, `${base}/${which}`, undefined, client)),
  rotateWebhookSecret: clientArb.map((client) => (w: WebhooksWorld): Op =>
    http(w, 'rotateWebhookSecret', 'rotate we_demo', 'POST', `${base}/{endpoint_id}/rotate-secret`, `${base}/we_demo/rotate-secret`, undefined, client)),
  redeliverWebhook: clientArb.map((client) => (w: WebhooksWorld): Op =>
    http(w, 'redeliverWebhook', 'redeliver the demo event', 'POST', `${base}/{endpoint_id}/deliveries/{event_id}/redeliver`, `${base}/we_demo/deliveries/${w.eventId}/redeliver`, undefined, client)),
};

type Item = Record<string, unknown>;

export async function checkWebhooks(w: WebhooksWorld, outcomes: Outcome[]): Promise<string[]> {
  const items = (await scanRaw('tenants')).map((i) => unmarshall(i as never) as Item).filter((i) => i.pk === endpointsPk(w.tenantId));
  const endpoints = items.filter((i) => String(i.sk).startsWith('EP#'));
  const count = Number(items.find((i) => i.sk === 'COUNT')?.n ?? 0);
  const out: string[] = [];
  // W1: the count is the number of endpoints; W2: never above the cap.
  if (count !== endpoints.length) out.push(`W1 COUNT ${count} != ${endpoints.length} endpoints`);
  if (endpoints.length > maxEndpoints) out.push(`W2 ${endpoints.length} endpoints, above the cap ${maxEndpoints}`);
  // W3: an endpoint a create answered 201 exists (none of the operations removes it).
  const creates = outcomes.filter((o) => o.op.fn === 'createWebhookEndpoint');
  const ids = new Set(endpoints.map((e) => String(e.id)));
  for (const id of creates.flatMap((o) => o.answers.filter((a) => a.status === 201).map((a) => (JSON.parse(a.body) as { id: string }).id))) {
    if (!ids.has(id)) out.push(`W3 endpoint ${id} was answered 201 and does not exist`);
  }
  // W4: no more new endpoints than create requests applied at most once each: one per key, one per
  // attempt without (a create whose answer was lost may have applied).
  const keys = new Set(creates.flatMap((o) => (o.op.kind === 'http' && o.op.key ? [o.op.key] : [])));
  const unkeyed = creates.filter((o) => o.op.kind === 'http' && !o.op.key).reduce((n, o) => n + Math.max(1, o.answers.length), 0);
  const made = endpoints.filter((e) => !String(e.id).startsWith('we_fill') && !String(e.id).startsWith('we_demo')).length;
  if (made > keys.size + unkeyed) out.push(`W4 ${made} endpoints created by ${keys.size} keys and ${unkeyed} unkeyed attempts`);
  return out;
}

export const webhooksSurface: Surface<WebhooksWorld> = { name: 'webhooks', world: webhooksWorld, ops: webhooksOps, check: checkWebhooks };
