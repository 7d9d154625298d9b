import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-dynamodb.ts'],
    setupFiles: ['test/setup/env.ts'],
    pool: 'forks',
    // DynamoDB Local (a JVM) answers in milliseconds once warm, but the first requests and
    // table scans in a cold JVM can take seconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
