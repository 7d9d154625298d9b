/**
 * The simulation over the webhook endpoints (test/sim/README.md): creates racing for the last
 * place under the cap, deletes, secret rotations and redeliveries, every pair together.
 */
import { afterAll, beforeAll } from 'vitest';
import { FakeAws } from '../helpers/fake-aws';
import { webhooksSurface } from './support/webhooks';
import { simSuite } from './support/suite';

// The redeliver call queues on SQS: AWS itself, faked (before the suite loads its containers).
const aws = new FakeAws();
beforeAll(async () => {
  await aws.start();
  Object.assign(process.env, aws.env());
});
afterAll(() => aws.stop());

simSuite(webhooksSurface, { runs: 1, focus: [['createWebhookEndpoint', 'createWebhookEndpoint', 'deleteWebhookEndpoint']], focusRuns: 4 });
