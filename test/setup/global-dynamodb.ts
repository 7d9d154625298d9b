/**
 * vitest globalSetup: one in-memory DynamoDB Local on a free port for the whole run, with the
 * tables of stage `test` created from serverless.yml. The connection settings reach the test
 * workers through project.provide (test/setup/env.ts copies them into process.env).
 */
import type { TestProject } from 'vitest/node';
import { tableEnv } from '../../lib/db/tables';
import { freePort, localClient, startDynamoDbLocal } from '../../scripts/dynamodb-local';
import { ensureTables } from '../../scripts/tables';

export const TEST_STAGE = 'test';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Environment for code under test: DYNAMODB_ENDPOINT, the table names, AWS_REGION... */
    testEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // the SDK's "node >= 22 from 2027" notice, once per worker, otherwise (local Node may be 20)
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  try {
    const client = localClient(dynamo.endpoint);
    try {
      await ensureTables(client, TEST_STAGE);
    } finally {
      client.destroy();
    }
  } catch (err) {
    await dynamo.stop();
    throw err;
  }
  const env: Record<string, string> = {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED,
    // Request log lines would drown the test report; tests that check logs use setLogSink.
    ALLOT_LOG: 'off',
    // The same for the EMF metric lines (test/ops/metrics.test.ts turns them back on).
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...tableEnv(TEST_STAGE),
  };
  Object.assign(process.env, env); // for code running in the main process
  // The demo data, once per run: only one test file per surface may change it.
  const { seedDemo } = await import('../../scripts/seed');
  await seedDemo();
  project.provide('testEnv', env);
  return () => dynamo.stop();
}
