/**
 * events/: one sample event per function of serverless.yml, with the demo credentials, for
 * `npm run invoke` and the Lambda console. Each is run through its function here, against the
 * test database and its demo data. The events that change data run against a fresh tenant
 * shaped like demo (the test swaps the credentials; the files keep the demo ones), so the
 * surfaces' seed-example tests, which own the demo tenant, are never disturbed.
 * While they run, every DynamoDB call is recorded and held against the function's own IAM
 * statements: a call its role would refuse in AWS fails here first.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFunctions } from '../../scripts/functions';
import { lambdaContext } from '../../scripts/lambda-context';
import { repoRoot } from '../../scripts/serverless-yml';
import { FakeAws } from '../helpers/fake-aws';
import type { TestTenant } from '../helpers/tenants';
import { asTenant, deniedCalls, demoLikeTenant, loadHandler, readEvent, recordDynamoCalls } from './support';

/**
 * `source`: a stream or queue function, run on the demo tenant (its webhook items are this file's
 * alone); `calls`: what it must ask of EventBridge/SQS (a fake of those two: test/helpers/fake-aws.ts),
 * `failures`: the batch items it reports failed.
 */
type SourceExpectation = { source: 'stream' | 'sqs'; calls: string[]; failures: number };
type Expectation = { status: number; tenant: 'demo' | 'fresh' } | 'job' | SourceExpectation;

/** What each event file must get. `demo`: read-only (or harmless) on the demo tenant as is. */
const expected: Record<string, Expectation> = {
  accessToken: { status: 200, tenant: 'demo' }, // issues one more bearer token for demo-client
  listInventories: { status: 200, tenant: 'demo' },
  listLogins: { status: 200, tenant: 'demo' },
  showLogin: { status: 200, tenant: 'demo' },
  createLogin: { status: 201, tenant: 'fresh' },
  updateLogin: { status: 200, tenant: 'fresh' },
  listCourses: { status: 200, tenant: 'demo' },
  createCourse: { status: 201, tenant: 'fresh' },
  updateCourse: { status: 200, tenant: 'fresh' },
  assignUnits: { status: 200, tenant: 'fresh' },
  showInventoryUnit: { status: 200, tenant: 'demo' },
  updateInventoryUnit: { status: 200, tenant: 'fresh' },
  adjustInventoryUnitQuantity: { status: 200, tenant: 'fresh' },
  createInventoryUnit: { status: 201, tenant: 'fresh' },
  moveInventoryUnit: { status: 200, tenant: 'fresh' },
  splitInventoryUnit: { status: 200, tenant: 'fresh' },
  searchInventoryUnits: { status: 200, tenant: 'demo' },
  listPartInventoryUnits: { status: 200, tenant: 'demo' },
  listInventoryRecords: { status: 200, tenant: 'demo' },
  listParts: { status: 200, tenant: 'demo' },
  showPart: { status: 200, tenant: 'demo' },
  createPart: { status: 201, tenant: 'fresh' },
  updatePart: { status: 200, tenant: 'fresh' },
  listInventoryLocations: { status: 200, tenant: 'demo' },
  createInventoryLocation: { status: 201, tenant: 'fresh' },
  renameInventoryLocation: { status: 200, tenant: 'fresh' },
  createInventorySublocation: { status: 201, tenant: 'fresh' },
  renameInventorySublocation: { status: 200, tenant: 'fresh' },
  listUnitsOfMeasure: { status: 200, tenant: 'demo' },
  createUnitOfMeasure: { status: 201, tenant: 'fresh' },
  generateEnrollmentCodes: { status: 200, tenant: 'fresh' },
  enrollUserWithCode: { status: 200, tenant: 'fresh' },
  enrollmentCodeStatus: { status: 200, tenant: 'fresh' },
  listEnrollmentCodes: { status: 200, tenant: 'demo' },
  listEnrollmentCourses: { status: 200, tenant: 'demo' },
  showEnrollmentCourse: { status: 200, tenant: 'demo' },
  createEnrollmentCourse: { status: 201, tenant: 'fresh' },
  updateEnrollmentCourse: { status: 200, tenant: 'fresh' },
  listEnrollments: { status: 200, tenant: 'demo' },
  exportEnrollmentCodes: { status: 200, tenant: 'demo' },
  openApiDocument: { status: 200, tenant: 'demo' },
  docsPage: { status: 200, tenant: 'demo' },
  expireEnrollmentCodes: 'job',
  reconcile: 'job',
  listWebhookEndpoints: { status: 200, tenant: 'demo' },
  createWebhookEndpoint: { status: 201, tenant: 'fresh' },
  deleteWebhookEndpoint: { status: 200, tenant: 'fresh' },
  rotateWebhookSecret: { status: 200, tenant: 'fresh' },
  listWebhookDeliveries: { status: 200, tenant: 'demo' },
  redeliverWebhook: { status: 200, tenant: 'fresh' },
  // a code redeemed -> one PutEvents
  publishEvents: { source: 'stream', calls: ['PutEvents'], failures: 0 },
  // the demo endpoint wants code.redeemed -> its delivery queued
  fanOutWebhooks: { source: 'sqs', calls: ['SendMessageBatch'], failures: 0 },
  // the demo endpoint's URL is a placeholder: the attempt fails, the message waits for its retry
  deliverWebhooks: { source: 'sqs', calls: ['ChangeMessageVisibility'], failures: 1 },
};
const isSource = (e: Expectation | undefined): e is SourceExpectation => typeof e === 'object' && 'source' in e;

const functions = listFunctions();
const recorder = recordDynamoCalls();
const aws = new FakeAws();
let fresh: TestTenant;

/**
 * `npm run openapi:examples` runs this file with RECORD_OPENAPI_EXAMPLES=1: each HTTP event's
 * answer (the two answers that are the API's own description excepted) becomes its operation's
 * example in docs/openapi-examples.json, which `npm run openapi` then puts in the document.
 */
const examplesPath = resolve(repoRoot, 'docs/openapi-examples.json');
const notExamples = new Set(['docsPage', 'openApiDocument']);
const examples: Record<string, { status: number; body: unknown }> | undefined = process.env.RECORD_OPENAPI_EXAMPLES === '1' ? {} : undefined;

beforeAll(async () => {
  fresh = await demoLikeTenant();
  await aws.start();
  // The functions read these when they run; no other test file of this worker runs meanwhile.
  Object.assign(process.env, aws.env());
});
afterAll(() => aws.stop());

afterAll(() => {
  if (!examples) return;
  const sorted = Object.fromEntries(Object.keys(examples).sort().map((name) => [name, examples[name]]));
  writeFileSync(examplesPath, `${JSON.stringify(sorted, null, 2)}\n`);
});

it('every function in serverless.yml has an event file and an expectation here, and nothing else does', () => {
  const files = readdirSync(resolve(repoRoot, 'events')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  const names = functions.map((f) => f.name).sort();
  expect(files.sort()).toEqual(names);
  expect(Object.keys(expected).sort()).toEqual(names);
});

describe.each(functions.map((fn) => [fn.name, fn] as const))('events/%s.json', (name, fn) => {
  it('matches one of the function’s own triggers', () => {
    const event = JSON.parse(readEvent(name)) as { routeKey?: string; source?: string; 'detail-type'?: string };
    const expectation = expected[name];
    if (expectation === 'job') {
      expect(fn.schedules.length).toBeGreaterThan(0);
      expect(event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    } else if (isSource(expectation)) {
      expect(fn.sources).toContain(expectation.source);
      const records = (event as { Records?: { eventSource: string }[] }).Records ?? [];
      expect(records.map((r) => r.eventSource)).toEqual(records.map(() => (expectation.source === 'stream' ? 'aws:dynamodb' : 'aws:sqs')));
      expect(records.length).toBeGreaterThan(0);
    } else {
      expect(fn.routes.map((r) => `${r.method} ${r.path}`)).toContain(event.routeKey);
    }
  });

  it('runs through the function with the expected result, calling only what its IAM role allows', async () => {
    const expectation = expected[name]!;
    const handler = await loadHandler(fn);
    const json = readEvent(name);
    recorder.calls.length = 0;
    if (isSource(expectation)) {
      // The sample's stream ARN names the dev stage's table; here the tables are the test stage's.
      aws.calls.length = 0;
      const result = (await handler(JSON.parse(json.replaceAll('allot-dev-', 'allot-test-')), lambdaContext(name))) as { batchItemFailures: unknown[] };
      expect(result.batchItemFailures).toHaveLength(expectation.failures);
      expect(aws.calls.map((c) => c.action)).toEqual(expectation.calls);
    } else if (expectation === 'job') {
      // the function's own timeout (900 s at most): jobs stop a margin before it
      const result = await handler(JSON.parse(json), lambdaContext(name, 900_000));
      expect(result).toMatchObject({ job: name, complete: expect.any(Boolean), scanned: expect.any(Number) });
    } else {
      const event = expectation.tenant === 'fresh' ? asTenant(json, fresh) : JSON.parse(json);
      const result = (await handler(event, lambdaContext(name))) as { statusCode: number; body: string; headers?: Record<string, string> };
      expect(result.statusCode, result.body).toBe(expectation.status);
      if (examples && !notExamples.has(name)) {
        const json = /json/.test(result.headers?.['Content-Type'] ?? result.headers?.['content-type'] ?? '');
        examples[name] = { status: result.statusCode, body: json ? JSON.parse(result.body) : result.body };
      }
    }
    // Every function but the API's static description (no table at all) and the publisher (the
    // stream in, the bus out) reaches DynamoDB.
    if (name === 'publishEvents') expect(recorder.calls).toEqual([]);
    else if (fn.iamRoleStatements.length > 0) expect(recorder.calls.length).toBeGreaterThan(0);
    else expect(recorder.calls).toEqual([]);
    expect(deniedCalls(fn.iamRoleStatements, recorder.calls)).toEqual([]);
  });
});
