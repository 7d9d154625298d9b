/**
 * `npm start`: DynamoDB Local (persisted under .data/), the tables of serverless.yml, the demo
 * data, then serverless-offline on http://localhost:$PORT. Ctrl-C (or SIGTERM) stops all of it.
 *
 *   PORT           HTTP API port (default 3000). serverless-offline also needs a websocket
 *                  port (PORT+1), a Lambda invoke port (PORT+2) and an ALB port (PORT+3).
 *   DYNAMODB_PORT  DynamoDB Local port (default 8000).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { tableEnv } from '../lib/db/tables';
import { assertPortFree, type DynamoDbLocal, localClient, startDynamoDbLocal } from './dynamodb-local';
import { seedDemo } from './seed';
import { ensureTables, repoRoot } from './tables';

const STAGE = 'local';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a port number (1-65535), got "${raw}"`);
  }
  return port;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`[allot] ${line}\n`);

let dynamo: DynamoDbLocal | undefined;
let offline: ChildProcess | undefined;
let shuttingDown: Promise<void> | undefined;

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
      await stopOffline();
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

async function main(): Promise<void> {
  // Node 20 is supported locally (SPEC 2); the deployed runtime is nodejs22.x. Keep the SDK's
  // "node >= 22 from 2027" notice out of every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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

  const port = portFromEnv('PORT', 3000);
  const dynamoPort = portFromEnv('DYNAMODB_PORT', 8000);
  const ports = { httpPort: port, websocketPort: port + 1, lambdaPort: port + 2, albPort: port + 3 };
  if (ports.albPort > 65535) throw new Error(`PORT must be at most 65532 (it uses PORT..PORT+3)`);
  if (Object.values(ports).includes(dynamoPort)) {
    throw new Error(`DYNAMODB_PORT ${dynamoPort} collides with PORT..PORT+3 (${port}..${port + 3})`);
  }
  for (const [name, value] of Object.entries(ports)) await assertPortFree(value, `serverless-offline ${name}`);

  const dataDir = resolve(repoRoot, '.data');
  mkdirSync(dataDir, { recursive: true });

  let t = performance.now();
  dynamo = await startDynamoDbLocal({ port: dynamoPort, dbPath: dataDir });
  say(`DynamoDB Local on ${dynamo.endpoint}, data in .data/ (${seconds(t)})`);

  const env: Record<string, string> = {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...tableEnv(STAGE),
  };
  Object.assign(process.env, env); // seedDemo() uses lib/db/client.ts, which reads them

  t = performance.now();
  const client = localClient(dynamo.endpoint);
  const tables = await ensureTables(client, STAGE);
  client.destroy();
  say(`tables: ${tables.created.length} created, ${tables.existing.length} already there (${seconds(t)})`);

  t = performance.now();
  await seedDemo();
  say(`demo data loaded (${seconds(t)})`);

  t = performance.now();
  const serverless = resolve(repoRoot, 'node_modules/serverless/bin/serverless.js');
  const args = [
    serverless, 'offline', 'start',
    '--stage', STAGE,
    '--host', '127.0.0.1',
    '--httpPort', String(ports.httpPort),
    '--websocketPort', String(ports.websocketPort),
    '--lambdaPort', String(ports.lambdaPort),
    '--albPort', String(ports.albPort),
    // handlers only see AWS_* variables otherwise, not DYNAMODB_ENDPOINT
    '--localEnvironment',
    '--noSponsor',
  ];
  offline = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let ready = false;
  const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (!ready && /Server ready:/.test(line)) {
        ready = true;
        process.stdout.write(`Allot ready on http://localhost:${port}\n`);
        say(`(serverless-offline took ${seconds(t)})`);
        return;
      }
      out.write(`${line}\n`);
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
}

main().catch((err: unknown) => {
  process.stderr.write(`[allot] ${err instanceof Error ? err.message : String(err)}\n`);
  void shutdown(1);
});
