/**
 * A CPU profile of the warm `show inventory unit` (docs/PERFORMANCE.md, "Where the time goes"):
 * the hot-path scenario's request (bench/hot-path.ts) with the database STUBBED at the SDK's
 * initialize step (bench/sdk.ts recordReplay), run N times after a warm-up, nothing else in the
 * process. The profiler (node:inspector) runs only around the timed loop of shows, and again
 * around a loop of the stubbed bare GetItem (the hot path's baseline):
 *
 *   npx tsx bench/profile-show.ts [requests] [port] [out-dir] [real]
 *   npx tsx bench/profile-summary.ts <out-dir>/show.cpuprofile
 *
 * `port`: where its DynamoDB Local listens (default: a free one); out-dir default /tmp/allot-prof;
 * `real`: no stub, every request goes to DynamoDB Local (the handler-overhead scenario).
 */
import { startDynamoDbLocal, freePort } from '../scripts/dynamodb-local';
import { createBenchTenant, startBenchDatabase } from './env';
import { callShow, bareGetItem, showRequest } from './handler-overhead';
import { seedInventory } from './inventory-data';
import { recordReplay } from './sdk';
import { setLogSink } from '../lib/log';
import { setMetricsSink } from '../lib/metrics';
import { clearCredentialCache } from '../lib/auth/credentials';
import { forgetLabels } from '../lib/inventory/labels';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Runs `fn` under the CPU profiler (sampling every 100 us) and writes the profile to `file`. */
async function profiled(file: string, fn: () => Promise<void>): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  return ms;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  const port = Number(process.argv[3] ?? (await freePort()));
  const out = process.argv[4] ?? '/tmp/allot-prof';
  const local = await startDynamoDbLocal({ port, timeoutMs: 120_000 });
  process.env.DYNAMODB_ENDPOINT = local.endpoint;
  const dynamo = await startBenchDatabase(true);
  setLogSink((line) => void JSON.stringify(line));
  setMetricsSink((emf) => void JSON.stringify(emf));
  try {
    const tenant = await createBenchTenant();
    const fixture = await seedInventory(tenant.tenantId, 0, 100);
    const eventFor = (i: number) => showRequest(tenant, fixture.showUnitId, i % 2 === 0 ? 'json' : 'xml');
    const getItem = bareGetItem(tenant, fixture);
    const stub = recordReplay();
    clearCredentialCache();
    forgetLabels(tenant.tenantId);
    await callShow(eventFor(0));
    await callShow(eventFor(1));
    await getItem();
    if (process.argv[5] === 'real') stub.uninstall();
    else stub.replay();
    for (let i = 0; i < 2000; i++) await callShow(eventFor(i));
    const events = Array.from({ length: n }, (_, i) => eventFor(i));
    mkdirSync(out, { recursive: true });
    const showMs = await profiled(join(out, 'show.cpuprofile'), async () => {
      for (const event of events) await callShow(event);
    });
    const getMs = await profiled(join(out, 'get.cpuprofile'), async () => {
      for (let i = 0; i < n; i++) await getItem();
    });
    if (process.argv[5] !== 'real') stub.uninstall();
    const us = (ms: number) => Math.round((ms * 10_000) / n) / 10;
    console.log(JSON.stringify({ requests: n, show_us_mean: us(showMs), bare_get_us_mean: us(getMs), profiles: out }));
  } finally {
    await dynamo.stop();
    await local.stop();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
