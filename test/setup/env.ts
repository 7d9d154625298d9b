/**
 * vitest setupFiles: runs in every worker before the test file is imported, and copies the
 * values provided by test/setup/global-dynamodb.ts (which also declares their type) into
 * process.env: workers do not reliably inherit environment changes made by a globalSetup.
 */
import { inject } from 'vitest';

Object.assign(process.env, inject('testEnv'));
