/**
 * `npm start`: DynamoDB Local (persisted under .data/), the tables of serverless.yml, the demo
 * data, then serverless-offline on http://localhost:$PORT. Ctrl-C (or SIGTERM) stops all of it.
 *
 *   PORT                    HTTP API port (default 3000): scripts/front.ts (API Gateway's header and
 *                           Host handling) before serverless-offline, which listens on PORT+1 and
 *                           also needs a websocket (PORT+2), Lambda invoke (PORT+3) and ALB port (PORT+4).
 *
 * DynamoDB Local (with the tables and demo data) and serverless-offline (which builds the
 * handlers) start at the same time: the handlers only need the database's address, known up front.
 *   DYNAMODB_PORT           DynamoDB Local port (default 8000).
 *   DYNAMODB_START_TIMEOUT  seconds to wait for DynamoDB Local to answer (default 120).
 *   DYNAMODB_START_PROGRESS seconds between "still waiting" lines (default 5).
 *
 * Integration events (docs/EVENTS.md): an in-process runner (scripts/event-runner.ts) reads the
 * tables' streams and runs the publisher, fan-out and deliverer, standing in for EventBridge and
 * SQS; webhooks may be http:// and on this machine here (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_LOOPBACK).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { tableEnv } from '../lib/db/tables';
import { assertPortFree, type DynamoDbLocal, DynamoDbLocalStartError, localClient, startDynamoDbLocal } from './dynamodb-local';
import { EventRunner } from './event-runner';
import { startFront, type Front } from './front';
import { seedDemo } from './seed';
import { ensureTables, repoRoot } from './tables';

const STAGE = 'local';

interface Settings {
  port: number;
  dynamoPort: number;
  /** serverless-offline's four ports, PORT+1..PORT+4 (PORT is the front's). */
  offlinePorts: { httpPort: number; websocketPort: number; lambdaPort: number; albPort: number };
  startTimeoutMs: number;
  progressEveryMs: number;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`[allot] ${line}\n`);

let dynamo: DynamoDbLocal | undefined;
let offline: ChildProcess | undefined;
let front: Front | undefined;
let events: EventRunner | undefined;
let shuttingDown: Promise<void> | undefined;

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a port number (1-65535), got "${raw}"`);
  }
  return port;
}

function secondsFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback * 1000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a number of seconds above 0, got "${raw}"`);
  return value * 1000;
}

function readSettings(): Settings {
  const port = portFromEnv('PORT', 3000);
  const dynamoPort = portFromEnv('DYNAMODB_PORT', 8000);
  const offlinePorts = { httpPort: port + 1, websocketPort: port + 2, lambdaPort: port + 3, albPort: port + 4 };
  if (offlinePorts.albPort > 65535) throw new Error(`PORT must be at most 65531 (it uses PORT..PORT+4)`);
  if (dynamoPort === port || Object.values(offlinePorts).includes(dynamoPort)) {
    throw new Error(`DYNAMODB_PORT ${dynamoPort} collides with PORT..PORT+4 (${port}..${port + 4})`);
  }
  return {
    port,
    dynamoPort,
    offlinePorts,
    startTimeoutMs: secondsFromEnv('DYNAMODB_START_TIMEOUT', 120),
    progressEveryMs: secondsFromEnv('DYNAMODB_START_PROGRESS', 5),
  };
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/** serverless-offline halts cleanly on SIGINT or SIGTERM (not SIGHUP); 5 s grace, then SIGKILL. */
async function stopOffline(): Promise<void> {
  const child = offline;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = waitForExit(child);
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    try {
      await front?.close();
      await stopOffline();
      await events?.stop();
    } finally {
      await dynamo?.stop();
    }
    process.exit(code);
  })();
  return shuttingDown;
}

function onSignal(signal: NodeJS.Signals): void {
  if (shuttingDown) {
    // a second Ctrl-C: do not wait any longer
    offline?.kill('SIGKILL');
    process.exit(130);
  }
  say(`${signal}: stopping`);
  void shutdown(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
}

function stopWithParentOrSignal(): void {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // If whoever started us dies without a signal reaching us (npm killed with SIGKILL...), stop
  // too rather than leave Java and serverless-offline running.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !shuttingDown) {
      say('parent process gone: stopping');
      void shutdown(1);
    }
  }, 1000).unref();
}

/** The failure's own message plus what the user can change about it here. */
function startHint(err: DynamoDbLocalStartError, settings: Settings): string {
  switch (err.failure) {
    case 'port-taken':
      return `${err.message}: stop what listens there or choose another port with DYNAMODB_PORT`;
    case 'timeout':
      return `${err.message}\nA busy machine may need longer: DYNAMODB_START_TIMEOUT=${Math.round((settings.startTimeoutMs * 2) / 1000)} npm start`;
    default:
      return err.message;
  }
}

async function startDatabase(settings: Settings): Promise<DynamoDbLocal> {
  const dataDir = resolve(repoRoot, '.data');
  mkdirSync(dataDir, { recursive: true });
  const t = performance.now();
  const limit = Math.round(settings.startTimeoutMs / 1000);
  say(`starting DynamoDB Local on port ${settings.dynamoPort} (waits up to ${limit} s: DYNAMODB_START_TIMEOUT)`);
  try {
    const started = await startDynamoDbLocal({
      port: settings.dynamoPort,
      dbPath: dataDir,
      timeoutMs: settings.startTimeoutMs,
      progressEveryMs: settings.progressEveryMs,
      onProgress: (waited) => say(`waiting for DynamoDB Local on port ${settings.dynamoPort}: ${(waited / 1000).toFixed(0)} s of at most ${limit} s`),
    });
    say(`DynamoDB Local on ${started.endpoint}, data in .data/ (${seconds(t)})`);
    return started;
  } catch (err) {
    throw err instanceof DynamoDbLocalStartError ? new Error(startHint(err, settings)) : err;
  }
}

/** The environment of the handlers (and of seedDemo(), through lib/db/client.ts). */
function handlerEnv(endpoint: string, localQueueUrl: string): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...tableEnv(STAGE),
    // Webhooks locally: http and this machine's receivers allowed; redeliver queues to the runner.
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    WEBHOOK_LOCAL_QUEUE_URL: localQueueUrl,
  };
}

/** The integration events on DynamoDB Local's streams, from now on (docs/EVENTS.md). */
async function startEvents(runner: EventRunner): Promise<void> {
  runner.onError = (err) => process.stderr.write(`[allot] events: ${err instanceof Error ? err.message : String(err)}\n`);
  await runner.start();
  say('integration events: reading the tables\' streams (webhooks delivered by the local event runner)');
}

/** Tables of serverless.yml and the demo data, where absent. */
async function prepareData(endpoint: string): Promise<void> {

  let t = performance.now();
  const client = localClient(endpoint);
  const tables = await ensureTables(client, STAGE);
  client.destroy();
  say(`tables: ${tables.created.length} created, ${tables.existing.length} already there (${seconds(t)})`);

  t = performance.now();
  await seedDemo();
  say(`demo data loaded (${seconds(t)})`);
}

/** serverless-offline as a child, its output relayed; resolves on its "Server ready". */
function startOffline(settings: Settings, env: Record<string, string>): Promise<void> {
  const t = performance.now();
  const { offlinePorts } = settings;
  const serverless = resolve(repoRoot, 'node_modules/serverless/bin/serverless.js');
  const args = [
    serverless, 'offline', 'start',
    '--stage', STAGE,
    '--host', '127.0.0.1',
    '--httpPort', String(offlinePorts.httpPort),
    '--websocketPort', String(offlinePorts.websocketPort),
    '--lambdaPort', String(offlinePorts.lambdaPort),
    '--albPort', String(offlinePorts.albPort),
    // handlers only see AWS_* variables otherwise, not DYNAMODB_ENDPOINT
    '--localEnvironment',
    '--noSponsor',
  ];
  offline = spawn(process.execPath, args, {
    cwd: repoRoot,
    // ALLOT_LOCAL_PACKAGES: serverless.yml leaves npm packages out of the local bundles (10x faster build).
    env: { ...process.env, ...env, ALLOT_LOCAL_PACKAGES: 'external', FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let ready = false;
  let markReady: () => void;
  const serving = new Promise<void>((done) => (markReady = done));
  const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (!ready && /Server ready:/.test(line)) {
        ready = true;
        say(`serverless-offline ready on port ${offlinePorts.httpPort} (${seconds(t)}, building the handlers included)`);
        markReady();
        return;
      }
      // Its banner names its internal port: the front's (PORT) is the address to use.
      out.write(`${line.replaceAll(`http://127.0.0.1:${offlinePorts.httpPort}`, `http://localhost:${settings.port}`)}\n`);
    });
  };
  relay(offline.stdout!, process.stdout);
  relay(offline.stderr!, process.stderr);

  offline.once('error', (err) => {
    process.stderr.write(`[allot] cannot run serverless: ${err.message}\n`);
    void shutdown(1);
  });
  offline.once('exit', (code, signal) => {
    if (shuttingDown) return;
    process.stderr.write(
      `[allot] serverless-offline exited (${signal ?? `code ${code}`})${ready ? '' : ' before it was ready'}\n`,
    );
    void shutdown(code || 1);
  });
  return serving;
}

async function main(): Promise<void> {
  // Node 20 is supported locally (SPEC 2); the deployed runtime is nodejs22.x. Keep the SDK's
  // "node >= 22 from 2027" notice out of every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  stopWithParentOrSignal();
  const settings = readSettings();
  for (const [name, value] of Object.entries(settings.offlinePorts)) {
    await assertPortFree(value, `serverless-offline ${name}`).catch((err: Error) => {
      throw new Error(`${err.message}: npm start uses PORT..PORT+4; choose another PORT`);
    });
  }
  await assertPortFree(settings.port, 'the API (PORT)').catch((err: Error) => {
    throw new Error(`${err.message}: choose another PORT`);
  });
  const t = performance.now();
  const dynamoEndpoint = `http://127.0.0.1:${settings.dynamoPort}`;
  const runnerClient = localClient(dynamoEndpoint);
  events = new EventRunner(runnerClient, dynamoEndpoint);
  const env = handlerEnv(dynamoEndpoint, await events.listen());
  Object.assign(process.env, env);
  // Both at once: the database (then its tables, demo data and the events' runner) and serverless-offline.
  const data = startDatabase(settings).then(async (started) => {
    dynamo = started;
    await prepareData(started.endpoint);
    await startEvents(events!);
  });
  const serving = startOffline(settings, env);
  await data;
  await serving;
  front = await startFront({ port: settings.port, targetPort: settings.offlinePorts.httpPort });
  process.stdout.write(`Allot ready on http://localhost:${settings.port}\n`);
  say(`(ready in ${seconds(t)} after the port checks)`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[allot] ${err instanceof Error ? err.message : String(err)}\n`);
  void shutdown(1);
});
