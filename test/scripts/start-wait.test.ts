/**
 * `npm start` waiting for DynamoDB Local (scripts/start.ts, scripts/dynamodb-local.ts), run as
 * the user runs it, with `java` replaced by a stub first on PATH (the emulator is launched as
 * `java ...`): a database that answers late, one that never answers, no `java` at all, and a
 * port already taken. Each shows its progress lines and a message naming the cause. The stub
 * answers "late" only once the test has seen two progress lines (a marker file), so no step
 * depends on timing; intervals are shortened through the documented settings.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { assertPortFree, freePort } from '../../scripts/dynamodb-local';
import { repoRoot } from '../../scripts/serverless-yml';

const dir = mkdtempSync(join(tmpdir(), 'allot-start-wait-'));
const marker = join(dir, 'answer-now');
const stubBin = join(dir, 'bin');
const emptyBin = join(dir, 'empty');

// The stub "java": listens on the -port it is given once the marker file exists (late), or never.
writeFileSync(
  join(dir, 'fake-java.cjs'),
  `const { createServer } = require('node:http');
const { existsSync } = require('node:fs');
const port = Number(process.argv[process.argv.indexOf('-port') + 1]);
console.log('Initializing fake DynamoDB Local on port ' + port);
if (process.env.FAKE_JAVA === 'late') {
  const poll = setInterval(() => {
    if (!existsSync(${JSON.stringify(marker)})) return;
    clearInterval(poll);
    createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{"TableNames":[]}');
    }).listen(port, '127.0.0.1');
  }, 20);
} else {
  setInterval(() => {}, 1000);
}
`,
);
mkdirSync(stubBin);
mkdirSync(emptyBin);
const javaPath = join(stubBin, 'java');
writeFileSync(javaPath, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(dir, 'fake-java.cjs'))} "$@"\n`);
chmodSync(javaPath, 0o755);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves when a stdout line matches. */
  lineMatching(pattern: RegExp, count?: number): Promise<void>;
}

const progress = /^\[allot\] waiting for DynamoDB Local on port \d+: \d+ s of at most \d+ s$/;

/** A port with the four after it free too (npm start's front uses PORT, serverless-offline PORT+1..PORT+4). */
async function freePortRange(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port > 65531) continue;
    const free = await Promise.all([1, 2, 3, 4].map((i) => assertPortFree(port + i, 'test').then(() => true, () => false)));
    if (free.every(Boolean)) return port;
  }
}

async function npmStart(env: Record<string, string>): Promise<Run> {
  const port = await freePortRange();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, 'scripts/start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), DYNAMODB_START_PROGRESS: '0.2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; count: number; done: () => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    for (const w of waiters) if (stdout.filter((l) => w.pattern.test(l)).length >= w.count) w.done();
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    lineMatching: (pattern, count = 1) =>
      new Promise<void>((done, fail) => {
        waiters.push({ pattern, count, done });
        void exited.then(() => fail(new Error(`exited before ${count} line(s) matching ${pattern}:\n${stdout.join('\n')}\n${stderr.join('\n')}`)));
      }),
  };
}

describe('npm start waiting for DynamoDB Local', () => {
  it('a database that answers late: progress lines while it waits, then it goes on', async () => {
    const dynamoPort = await freePort();
    const run = await npmStart({ PATH: `${stubBin}:${process.env.PATH}`, FAKE_JAVA: 'late', DYNAMODB_PORT: String(dynamoPort) });
    try {
      await run.lineMatching(progress, 2);
      writeFileSync(marker, '');
      await run.lineMatching(/^\[allot\] DynamoDB Local on http:\/\/127\.0\.0\.1:\d+/);
      const waited = run.stdout.findIndex((l) => l.startsWith('[allot] DynamoDB Local on'));
      expect(run.stdout[0]).toBe(`[allot] starting DynamoDB Local on port ${dynamoPort} (waits up to 120 s: DYNAMODB_START_TIMEOUT)`);
      expect(run.stdout.slice(0, waited).filter((l) => progress.test(l)).length).toBeGreaterThanOrEqual(2);
      expect(run.stdout[waited]).toContain(`http://127.0.0.1:${dynamoPort}`);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      rmSync(marker, { force: true });
    }
  }, 120_000);

  it('a database that never answers: progress lines, then "did not answer" with its output and how to wait longer', async () => {
    const dynamoPort = await freePort();
    const run = await npmStart({ PATH: `${stubBin}:${process.env.PATH}`, FAKE_JAVA: 'never', DYNAMODB_PORT: String(dynamoPort), DYNAMODB_START_TIMEOUT: '1' });
    expect(await run.exited).toBe(1);
    expect(run.stdout[0]).toBe(`[allot] starting DynamoDB Local on port ${dynamoPort} (waits up to 1 s: DYNAMODB_START_TIMEOUT)`);
    expect(run.stdout.filter((l) => progress.test(l)).length).toBeGreaterThanOrEqual(1);
    const message = run.stderr.join('\n');
    expect(message).toContain(`[allot] DynamoDB Local did not answer on http://127.0.0.1:${dynamoPort} within 1 s; its output:`);
    expect(message).toContain(`Initializing fake DynamoDB Local on port ${dynamoPort}`);
    expect(message).toContain('A busy machine may need longer: DYNAMODB_START_TIMEOUT=2 npm start');
  }, 120_000);

  it('no java on PATH: says so and how to install it', async () => {
    const run = await npmStart({ PATH: emptyBin, DYNAMODB_PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    expect(run.stdout[0]).toMatch(/^\[allot\] starting DynamoDB Local on port \d+/);
    expect(run.stderr.join('\n')).toContain('[allot] cannot start DynamoDB Local: `java` was not found on PATH. It needs Java 17 or later (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)');
  }, 120_000);

  it('its port already taken: names the port and the setting to change', async () => {
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    try {
      const run = await npmStart({ PATH: `${stubBin}:${process.env.PATH}`, FAKE_JAVA: 'never', DYNAMODB_PORT: String(port) });
      expect(await run.exited).toBe(1);
      expect(run.stderr.join('\n')).toContain(`[allot] port ${port} (DynamoDB Local) is already in use: stop what listens there or choose another port with DYNAMODB_PORT`);
    } finally {
      taken.close();
    }
  }, 120_000);
});
