/**
 * Demo webhook endpoints (local only, SPEC section 6), written only where absent: `we_demo`
 * (code.redeemed, with one delivery in its log) and `we_demo_spare` (what the delete sample
 * event removes). Their URL is a placeholder: locally their deliveries fail and are retried.
 */
import { putAllIfAbsent } from '../db/seed';
import { envelope } from '../events/envelope';
import { deliveryKey, deliverySk, endpointCountKey, endpointKey } from './keys';
import type { Endpoint } from './model';

export const demoEndpoints: Endpoint[] = [
  { id: 'we_demo', url: 'https://hooks.example.com/allot', event_types: ['code.redeemed'], description: 'demo', secret: 'whsec_demo-signing-secret', created_at: '2026-01-01T00:00:00.000Z' },
  { id: 'we_demo_spare', url: 'https://hooks.example.com/spare', event_types: ['*'], description: 'demo (the delete sample removes it)', secret: 'whsec_demo-spare-secret', created_at: '2026-01-01T00:00:00.000Z' },
];

/** A code.redeemed of the demo course, as delivered to we_demo (its id is the sample redeliver event's). */
export const demoEvent = (tenantId: string) =>
  envelope({
    surface: 'enrollment',
    type: 'code.redeemed',
    idParts: ['demo'],
    time: '2026-01-01T00:00:00.000Z',
    subject: 'courses/course-v1:edX+DemoX+Demo_Course/codes/V5QBQMN6',
    tenant: tenantId,
    data: { code: 'V5QBQMN6', course_id: 'course-v1:edX+DemoX+Demo_Course', status: 'redeemed', previous_status: 'active', email: 'demo@example.com', redeemed_at: '2026-01-01T00:00:00.000Z', expires_at: null },
  });

/** `suffix` makes the endpoint ids the tenant's own (tests that hold two tenants' ids apart). */
export function demoWebhookItems(tenantId: string, suffix = ''): Record<string, unknown>[] {
  const event = demoEvent(tenantId);
  return [
    ...demoEndpoints.map((e) => ({ ...endpointKey(tenantId, e.id + suffix), ...e, id: e.id + suffix })),
    { ...endpointCountKey(tenantId), n: demoEndpoints.length },
    {
      ...deliveryKey(tenantId, `we_demo${suffix}`, deliverySk(event.time, event.id)),
      endpoint_id: `we_demo${suffix}`,
      body: JSON.stringify(event),
      status: 'failed',
      attempts: 1,
      last_status_code: 404,
      last_error: 'HTTP 404',
      last_attempt_at: event.time,
    },
  ];
}

export async function seedDemoWebhooks(): Promise<void> {
  await putAllIfAbsent('tenants', demoWebhookItems('demo'));
}
