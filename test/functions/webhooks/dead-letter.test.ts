/**
 * The last attempt: a receiver that never accepts gets WEBHOOK_MAX_ATTEMPTS attempts (backoff
 * shortened by configuration), then the delivery is `dead` in the log (deployed: the message goes
 * to the dead-letter queue, whose alarm notifies), and a redeliver call sends it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putCourse } from '../../../lib/enrollment/repository';
import { useDeliveryQueue } from '../../../lib/webhooks/queue';
import type { EventRunner } from '../../../scripts/event-runner';
import { api } from '../enrollment/support';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { eventually, Receiver, startEventRunner, webhooksApi } from './support';

const course = 'course-v1:Events+Dead+1';
let runner: EventRunner;
let tenant: TestTenant;
const receiver = new Receiver(); // a free port, reserved and not started: connections are refused

beforeAll(async () => {
  runner = await startEventRunner({
    WEBHOOK_BACKOFF_BASE_MS: '50',
    WEBHOOK_BACKOFF_CAP_MS: '100',
    WEBHOOK_MAX_ATTEMPTS: '3',
  });
  await receiver.reserve();
  tenant = await createTenant('events-dead');
  await putCourse(tenant.tenantId, { courseId: course });
});

afterAll(async () => {
  useDeliveryQueue(undefined);
  await runner?.stop();
  await receiver.stop();
});

describe('a delivery that keeps failing', () => {
  it('is attempted WEBHOOK_MAX_ATTEMPTS times, then dead in the log; redeliver sends it once the receiver is back', async () => {
    const hooks = webhooksApi(tenant.bearerToken);
    const created = await hooks.create({ url: receiver.url, event_types: ['code.generated'] });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json as { id: string };
    await api(tenant.bearerToken).codesFor(course, 1);
    type Log = { results: { event_id: string; status: string; attempts: number; last_error: string | null }[] };
    const dead = await eventually(async () => {
      const log = (await hooks.deliveries(id)).json as Log;
      return log.results.find((d) => d.status === 'dead');
    });
    expect(dead).toMatchObject({ attempts: 3, last_error: expect.stringMatching(/ECONNREFUSED/) });
    expect(runner.stats.dead).toBeGreaterThanOrEqual(1);
    await receiver.start();
    expect((await hooks.redeliver(id, dead.event_id)).statusCode).toBe(200);
    const got = await eventually(() => receiver.got.find((r) => (JSON.parse(r.body) as { id: string }).id === dead.event_id));
    expect(got.headers['allot-delivery-attempt']).toBe('1');
    const after = await eventually(async () => ((await hooks.deliveries(id)).json as Log).results.find((d) => d.event_id === dead.event_id && d.status === 'delivered'));
    expect(after.attempts).toBe(4);
  });
});
