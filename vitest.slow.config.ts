import { defineConfig } from 'vitest/config';

// `npm run sim -- --slow`: the simulation's slow-calls property (test/sim/slow-calls.slow.ts), with
// the same set-up as vitest.config.ts. Not in `npm test`: in a full run it met a DynamoDB Local slowed
// by everything before it and took over ten minutes (stop 21); alone it takes seconds.
export default defineConfig({
  test: {
    include: ['test/sim/**/*.slow.ts'],
    globalSetup: ['test/setup/global-dynamodb.ts'],
    setupFiles: ['test/setup/env.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
