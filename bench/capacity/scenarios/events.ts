/**
 * The integration events' functions (docs/EVENTS.md), per event: the publisher (a stream record
 * -> PutEvents), the fan-out (one event -> its tenant's endpoints -> one delivery item and one
 * queued message per endpoint; here one endpoint) and the deliverer (one attempt, to a receiver
 * on this machine). The meter counts DynamoDB; each scenario's note names what it also spends on
 * EventBridge and SQS (answered here by test/helpers/fake-aws.ts: AWS itself is not run).
 * None of this is on a request's path: the API's own scenarios are unchanged by it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { putAllIfAbsent } from '../../../lib/db/seed';
import { tableName } from '../../../lib/db/tables';
import { envelope, type AllotEvent } from '../../../lib/events/envelope';
import { deliveryKey, deliverySk, endpointCountKey, endpointKey } from '../../../lib/webhooks/keys';
import { repoRoot } from '../../../scripts/serverless-yml';
import { FakeAws } from '../../../test/helpers/fake-aws';
import { createBenchTenant } from '../../env';
import type { Scenario } from '../harness';

let aws: Promise<FakeAws> | undefined;
let receiver: Promise<string> | undefined;

/** The EventBridge/SQS fake and the environment the functions read, started once. */
function fakeAws(): Promise<FakeAws> {
  aws ??= (async () => {
    const fake = new FakeAws();
    await fake.start();
    Object.assign(process.env, fake.env(), { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_LOOPBACK: 'true' });
    return fake;
  })();
  return aws;
}

/** A webhook receiver that answers 200 at once. */
function receiverUrl(): Promise<string> {
  receiver ??= new Promise((done) => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`));
    server.unref();
  });
  return receiver;
}

let n = 0;
const redeemed = (tenant: string): AllotEvent =>
  envelope({
    surface: 'enrollment', type: 'code.redeemed', idParts: ['capacity', tenant, n++], time: new Date().toISOString(), subject: 'courses/c/codes/X', tenant,
    data: { code: 'X', course_id: 'c', status: 'redeemed', previous_status: 'active', email: 'a@example.com', redeemed_at: null, expires_at: null },
  });

async function tenantWithEndpoint(url: string): Promise<string> {
  const { tenantId } = await createBenchTenant();
  await putAllIfAbsent('tenants', [
    { ...endpointKey(tenantId, 'we_bench'), id: 'we_bench', url, event_types: ['code.redeemed'], description: null, secret: 'whsec_bench', created_at: new Date().toISOString() },
    { ...endpointCountKey(tenantId), n: 1 },
  ]);
  return tenantId;
}

const sqsRecord = (body: unknown) => ({
  messageId: `m-${n++}`, receiptHandle: 'capacity', body: JSON.stringify(body), attributes: { ApproximateReceiveCount: '1' },
  messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:capacity', awsRegion: 'us-east-1',
});

export const eventScenarios: Scenario<unknown>[] = [
  {
    name: 'publish_event',
    fn: 'publishEvents',
    small: true,
    note: 'one stream record (a code redeemed) -> its event; + 1 PutEvents entry (up to 10 events a call)',
    reusable: true,
    prepare: async () => {
      await fakeAws();
      return JSON.parse(readFileSync(resolve(repoRoot, 'events', 'publishEvents.json'), 'utf8').replaceAll('allot-dev-enrollment', tableName('enrollment'))) as unknown;
    },
    call: (event) => ({ lambda: event }),
    minimum: { requests: 0, rounds: 0, rcu: 0, wru: 0, why: 'the stream record carries the images: nothing to read' },
  },
  {
    name: 'fan_out_event',
    fn: 'fanOutWebhooks',
    small: true,
    note: 'one event, a tenant with one endpoint wanting it; + 1 SQS message per endpoint (batches of 10)',
    prepare: async () => {
      await fakeAws();
      const tenant = await tenantWithEndpoint('https://hooks.example.com/bench');
      return { Records: [sqsRecord({ 'detail-type': 'code.redeemed', source: 'allot.enrollment', detail: redeemed(tenant) })] };
    },
    call: (event) => ({ lambda: event }),
    minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 1, why: "the tenant's endpoints (one Query); the delivery's log item" },
  },
  {
    name: 'deliver_webhook',
    fn: 'deliverWebhooks',
    small: true,
    note: 'one delivery attempt, answered 200 by a receiver on this machine; the SQS message then deleted by Lambda',
    prepare: async () => {
      await fakeAws();
      const tenant = await tenantWithEndpoint(await receiverUrl());
      const event = redeemed(tenant);
      const sk = deliverySk(event.time, event.id);
      await putAllIfAbsent('tenants', [{ ...deliveryKey(tenant, 'we_bench', sk), endpoint_id: 'we_bench', body: JSON.stringify(event), status: 'pending', attempts: 0 }]);
      return { Records: [sqsRecord({ tenantId: tenant, endpointId: 'we_bench', sk })] };
    },
    call: (event) => ({ lambda: event }),
    minimum: { requests: 2, rounds: 2, rcu: 2, wru: 1, why: 'endpoint and delivery (one consistent BatchGet: a delivered one is not sent again); the outcome on the log item' },
  },
];
