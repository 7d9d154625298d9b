/**
 * The integration events end to end, through the HTTP API, on DynamoDB Local's streams: the event
 * runner (scripts/event-runner.ts) polls the streams and runs the publisher, fan-out and deliverer
 * in this process, standing in for EventBridge and SQS (the only parts not run for real).
 * Backoff is shortened by configuration (WEBHOOK_BACKOFF_*), never waited out.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putCourse } from '../../../lib/enrollment/repository';
import { useDeliveryQueue } from '../../../lib/webhooks/queue';
import type { EventRunner } from '../../../scripts/event-runner';
import { api } from '../enrollment/support';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { documentedVerifier, eventually, listen, Receiver, startEventRunner, webhooksApi } from './support';

const course = 'course-v1:Events+E2E+1';
let runner: EventRunner;
let a: TestTenant;
let b: TestTenant;
const receiverA = new Receiver();
const receiverB = new Receiver();
let endpointA: { id: string; secret: string };
const verify = documentedVerifier();

const json = (r: { body: string }) => JSON.parse(r.body) as { id: string; type: string; tenant: string; data: Record<string, unknown> };

beforeAll(async () => {
  runner = await startEventRunner({
    WEBHOOK_BACKOFF_BASE_MS: '100',
    WEBHOOK_BACKOFF_CAP_MS: '400',
    WEBHOOK_MAX_ATTEMPTS: '200',
    WEBHOOK_TIMEOUT_MS: '5000',
  });
  [a, b] = await Promise.all([createTenant('events-a'), createTenant('events-b')]);
  await Promise.all([receiverA.start(), receiverB.start(), putCourse(a.tenantId, { courseId: course }), putCourse(b.tenantId, { courseId: course })]);
  const created = await webhooksApi(a.bearerToken).create({ url: receiverA.url, event_types: ['code.redeemed'] });
  expect(created.statusCode, created.body).toBe(201);
  endpointA = created.json as { id: string; secret: string };
  const createdB = await webhooksApi(b.bearerToken).create({ url: receiverB.url, event_types: ['*'] });
  expect(createdB.statusCode).toBe(201);
});

afterAll(async () => {
  useDeliveryQueue(undefined);
  await runner?.stop();
  await Promise.all([receiverA.stop(), receiverB.stop()]);
});

describe('webhooks end to end', () => {
  it('enroll with a code -> the tenant\'s receiver gets code.redeemed, signed and verifiable with the documented snippet', async () => {
    const enrollment = api(a.bearerToken);
    const [code] = await enrollment.codesFor(course, 1);
    const res = await enrollment.enroll({ email: 'first@example.com', enrollment_code: code });
    expect(res.statusCode).toBe(200);
    const got = await eventually(() => receiverA.got.find((r) => json(r).data.code === code));
    const event = json(got);
    expect(event).toMatchObject({ specversion: '1.0', type: 'code.redeemed', tenant: a.tenantId, source: '/allot/enrollment', subject: `courses/${course}/codes/${code}` });
    expect(event.data).toMatchObject({ code, course_id: course, email: 'first@example.com', status: 'redeemed', previous_status: 'active' });
    expect(got.headers['allot-event-id']).toBe(event.id);
    expect(verify(got.body, String(got.headers['allot-signature']), endpointA.secret)).toBe(true);
  });

  it('a tampered body, another secret or an old timestamp fails the documented verification', async () => {
    const got = await eventually(() => receiverA.got[0]);
    const header = String(got.headers['allot-signature']);
    expect(verify(got.body, header, endpointA.secret)).toBe(true);
    expect(verify(got.body.replace('first@example.com', 'other@example.com'), header, endpointA.secret)).toBe(false);
    expect(verify(got.body, header, 'whsec_not-the-secret')).toBe(false);
    const v1 = /v1=([0-9a-f]+)/.exec(header)![1];
    expect(verify(got.body, `t=${Math.floor(Date.now() / 1000) - 3600},v1=${v1}`, endpointA.secret)).toBe(false);
  });

  it('receiver down, three changes, receiver up -> all three arrive after retries, none twice; the other tenant sees none', async () => {
    const before = receiverA.got.length;
    await receiverA.stop();
    const enrollment = api(a.bearerToken);
    const codes = await enrollment.codesFor(course, 3);
    for (const [i, code] of codes.entries()) {
      expect((await enrollment.enroll({ email: `later${i}@example.com`, enrollment_code: code })).statusCode).toBe(200);
    }
    // The delivery log (over HTTP) shows each of the three failed at least once while the receiver is down.
    const hooks = webhooksApi(a.bearerToken);
    await eventually(async () => {
      const log = (await hooks.deliveries(endpointA.id)).json as { results: { event_id: string; status: string; attempts: number }[] };
      const failing = log.results.filter((d) => d.status === 'failed' && d.attempts >= 2);
      return failing.length >= 3 || undefined;
    });
    await receiverA.start();
    const arrived = await eventually(() => {
      const later = receiverA.got.slice(before).filter((r) => codes.includes(String(json(r).data.code)));
      return new Set(later.map((r) => String(json(r).data.code))).size === 3 ? later : undefined;
    });
    // Every delivery settled (the log says delivered) before counting: a duplicate would be in by now.
    await eventually(async () => {
      const log = (await hooks.deliveries(endpointA.id)).json as { results: { status: string }[] };
      return log.results.every((d) => d.status === 'delivered') || undefined;
    });
    const ids = receiverA.got.map((r) => json(r).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(arrived.every((r) => verify(r.body, String(r.headers['allot-signature']), endpointA.secret))).toBe(true);
    expect(arrived.map((r) => Number(r.headers['allot-delivery-attempt'])).some((n) => n > 1)).toBe(true);
    // The second tenant's receiver works (it gets its own change) and saw nothing of the first's.
    await api(b.bearerToken).codesFor(course, 2);
    await eventually(() => receiverB.got.find((r) => json(r).type === 'code.generated'));
    expect(receiverB.got.map((r) => json(r).tenant)).toEqual(receiverB.got.map(() => b.tenantId));
    expect(receiverB.got.filter((r) => json(r).type === 'code.redeemed')).toEqual([]);
  });

  it("one tenant's hanging endpoint does not hold back another tenant's delivery", async () => {
    // Tenant C's receiver takes every request and never answers (each attempt ends at WEBHOOK_TIMEOUT_MS, 5 s).
    const held: number[] = [];
    let given = 0; // attempts the deliverer gave up on (it closes the connection)
    const hanging = createServer((req) => {
      held.push(Date.now());
      req.socket.on('close', () => given++);
    });
    const port = await listen(hanging);
    try {
      const c = await createTenant('events-c');
      await putCourse(c.tenantId, { courseId: course });
      expect((await webhooksApi(c.bearerToken).create({ url: `http://127.0.0.1:${port}/hook`, event_types: ['code.generated'] })).statusCode).toBe(201);
      const already = receiverB.got.length;
      await api(c.bearerToken).codesFor(course, 1);
      await eventually(() => held.length > 0 || undefined);
      await api(b.bearerToken).codesFor(course, 1);
      await eventually(() => (receiverB.got.length > already ? true : undefined));
      // B's event arrived while C's first attempt was still waiting for its answer.
      expect(given).toBe(0);
      expect(held.length).toBe(1);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((done) => hanging.close(() => done()));
    }
  });

  it('redeliver sends a delivered event again, with the same id', async () => {
    const hooks = webhooksApi(a.bearerToken);
    const first = await eventually(() => receiverA.got[0]);
    const id = json(first).id;
    const res = await hooks.redeliver(endpointA.id, id);
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ event_id: id, status: 'pending' });
    await eventually(() => receiverA.got.filter((r) => json(r).id === id).length === 2 || undefined);
  });
});
