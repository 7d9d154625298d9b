/**
 * The API against its own document, checked by validators that share no code with it:
 *
 * - Stoplight Prism (`prism proxy docs/openapi.json <api> --errors`) in front of the real
 *   handlers (test/helpers/local-api.ts, on this run's DynamoDB Local). Through it go every
 *   console event (events/*.json, JSON and XML answers), every operation of the document with its
 *   documented examples (each `.xml`/`.json` variant, JSON, XML and Rails form bodies), the
 *   README's curl examples twice in a row, and each operation's error cases that a client can
 *   send past Prism's own request check (a wrong credential, an unknown id, malformed XML, a
 *   business refusal). Any request or response the document does not allow comes back as Prism's
 *   `application/problem+json` with an `sl-violations` header: the test fails and prints them.
 * - Redocly CLI `lint` (redocly.yaml, exceptions in .redocly.lint-ignore.yaml): no problem.
 *
 * Not sent through Prism, and why: a body with an undocumented Content-Type (415) or malformed
 * JSON (400) never reaches the API (Prism refuses the first itself and hangs on the second);
 * test/lib/http covers both answers.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putCourse } from '../../../lib/enrollment/repository';
import { freePort } from '../../../scripts/dynamodb-local';
import { repoRoot } from '../../../scripts/serverless-yml';
import { startLocalApi } from '../../helpers/local-api';
import { useDeliveryQueue } from '../../../lib/webhooks/queue';
import type { TestTenant } from '../../helpers/tenants';
import { asTenant, demoLikeTenant } from '../../ops/support';

type Json = Record<string, unknown>;

interface Sent {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  contentType: string;
  violations: string | null;
  body: string;
}

const documentPath = resolve(repoRoot, 'docs/openapi.json');
const document = JSON.parse(readFileSync(documentPath, 'utf8')) as { paths: Record<string, Record<string, Json>>; components: Json };

let server: Server;
let prism: ChildProcess;
let base: string;
let tenant: TestTenant;

async function startPrism(upstream: string): Promise<string> {
  const port = await freePort();
  const bin = resolve(repoRoot, 'node_modules/@stoplight/prism-cli/dist/index.js');
  prism = spawn(process.execPath, [bin, 'proxy', documentPath, upstream, '--errors', '-h', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  await new Promise<void>((ready, fail) => {
    const onLine = (line: string) => {
      output.push(line);
      if (/Prism is listening/.test(line)) ready();
    };
    createInterface({ input: prism.stdout! }).on('line', onLine);
    createInterface({ input: prism.stderr! }).on('line', onLine);
    prism.once('exit', (code) => fail(new Error(`prism exited (${code}) before listening:\n${output.join('\n')}`)));
  });
  return `http://127.0.0.1:${port}`;
}

async function send(req: Sent): Promise<Answer> {
  const res = await fetch(`${base}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    violations: res.headers.get('sl-violations'),
    body: await res.text(),
  };
}

/** Sends each request in order; answers the ones Prism found a violation in (or that did not reach the API). */
async function violationsOf(requests: Sent[], statuses: number[] = []): Promise<string[]> {
  const found: string[] = [];
  for (const req of requests) {
    const answer = await send(req);
    statuses.push(answer.status);
    if (answer.violations || answer.contentType.startsWith('application/problem+json') || answer.status >= 500) {
      found.push(`${req.label}: ${req.method} ${req.path} -> ${answer.status} ${answer.violations ?? answer.body.slice(0, 400)}`);
    }
  }
  return found;
}

beforeAll(async () => {
  tenant = await demoLikeTenant();
  // The redeliver call queues on SQS (AWS itself, not run here): a stand-in that accepts.
  useDeliveryQueue({ send: async () => {} });
  const api = await startLocalApi();
  server = api.server;
  base = await startPrism(api.url);
}, 120_000);

afterAll(() => {
  prism?.kill('SIGTERM');
  server?.close();
});

const demoSecrets = { inventory: 'oid3vLgynoy_Yl1gZkrgkLEq3J', units: 'demo-ll-token', bearer: 'cbf6a5de322cf6a4323c957a882xy1s321c954b86' };
const asOurs = (text: string, ours: TestTenant = tenant) =>
  text.replaceAll(demoSecrets.inventory, ours.inventoryToken).replaceAll(demoSecrets.units, ours.unitsToken).replaceAll(demoSecrets.bearer, ours.bearerToken);

function credentialHeaders(operation: Json, wrong = false): Record<string, string> {
  const security = JSON.stringify(operation.security ?? []);
  if (security.includes('TokenHeader')) return { authorization: `Token token="${wrong ? 'wrong' : tenant.unitsToken}"` };
  if (security.includes('BearerToken')) return { authorization: `Bearer ${wrong ? 'wrong' : tenant.bearerToken}` };
  return {};
}

function deref(value: Json | undefined): Json | undefined {
  const ref = value?.$ref as string | undefined;
  if (!ref) return value;
  const [, , kind, name] = ref.split('/');
  return (document.components[kind!] as Record<string, Json>)[name!];
}

/** The document's operations (the documentation routes aside: they have no examples to send). */
function operations(): { path: string; method: string; op: Json }[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => (op.tags as string[])[0] !== 'Documentation')
      .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
}

function pathWith(template: string, op: Json, override: Record<string, string> = {}): string {
  let path = template;
  for (const p of (op.parameters ?? []) as Json[]) {
    if (p.in !== 'path') continue;
    const value = override[p.name as string] ?? (p.name === 'api_token' ? tenant.inventoryToken : String(p.example ?? '1'));
    path = path.replace(`{${p.name as string}}`, encodeURIComponent(value).replace(/%3A/g, ':'));
  }
  const query = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'query' && p.example !== undefined);
  return query.length ? `${path}?${new URLSearchParams(query.map((p) => [p.name as string, String(p.example)]))}` : path;
}

describe('Redocly lint', () => {
  it('finds no problem in docs/openapi.json (redocly.yaml; exceptions with reasons in .redocly.lint-ignore.yaml)', () => {
    const bin = resolve(repoRoot, 'node_modules/@redocly/cli/bin/cli.js');
    const run = spawnSync(process.execPath, [bin, 'lint', documentPath, '--format=stylish'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    const report = `${run.stdout}\n${run.stderr}`;
    expect(report, report).toMatch(/Your API description is valid|explicitly ignored/);
    expect(report).not.toMatch(/\b(error|warning)\b\s+[a-z-]+\s/);
    expect(run.status, report).toBe(0);
  }, 120_000);
});

describe('Prism validating proxy (prism proxy docs/openapi.json --errors)', () => {
  it('lets every console event through, answered in JSON and in XML, without a violation', async () => {
    const requests: Sent[] = [];
    const dir = resolve(repoRoot, 'events');
    for (const { path: template, method, op } of operations()) {
      const name = (op.operationId as string).replace(/(Xml|Json)$/, '');
      if (name !== op.operationId) continue;
      const event = asTenant(readFileSync(resolve(dir, `${name}.json`), 'utf8'), tenant) as {
        rawPath: string;
        rawQueryString?: string;
        headers?: Record<string, string>;
        body?: string;
      };
      const headers = { ...event.headers };
      delete headers.host;
      const path = `${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
      requests.push({ label: `events/${name}.json`, method, path, headers, body: event.body });
      requests.push({ label: `events/${name}.json as XML (${template})`, method, path, headers: { ...headers, accept: 'application/xml' }, body: event.body });
    }
    expect(requests.length).toBeGreaterThanOrEqual(80);
    expect(await violationsOf(requests)).toEqual([]);
  }, 120_000);

  it('lets every operation of the document through with its documented examples (every route variant, JSON and XML bodies)', async () => {
    const requests: Sent[] = [];
    for (const { path: template, method, op } of operations()) {
      const label = op.operationId as string;
      const path = pathWith(template, op);
      const headers = credentialHeaders(op);
      const body = deref(op.requestBody as Json | undefined);
      if (!body) {
        requests.push({ label, method, path, headers });
        continue;
      }
      const content = body.content as Record<string, Json>;
      const json = content['application/json']?.example;
      if (json !== undefined) requests.push({ label: `${label} JSON`, method, path, headers: { ...headers, 'content-type': 'application/json' }, body: asOurs(JSON.stringify(json)) });
      const xml = content['application/xml']?.example;
      if (typeof xml === 'string') requests.push({ label: `${label} XML`, method, path, headers: { ...headers, 'content-type': 'application/xml' }, body: asOurs(xml) });
    }
    expect(requests.length).toBeGreaterThanOrEqual(140);
    expect(await violationsOf(requests)).toEqual([]);
  }, 180_000);

  it('lets Rails bracket-named form bodies through, as the seeds send them', async () => {
    const inv = `/api/v2/${tenant.inventoryToken}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const requests: Sent[] = [
      { label: 'adjust (form)', method: 'PUT', path: `${inv}/parts/728/inventory_units/104/adjust_quantity`, headers: form, body: 'inventory_unit[quantity]=1275&inventory_unit[inventory_record][comment]=Counted' },
      { label: 'create part (form)', method: 'POST', path: `${inv}/parts`, headers: form, body: `part[part_number]=FORM-${Date.now()}&part[description]=Form` },
      { label: 'token (form)', method: 'POST', path: '/oauth2/access_token', headers: form, body: 'client_id=none&client_secret=none&grant_type=client_credentials' },
      {
        label: 'assign (form)', method: 'POST', path: '/api/v2/inventories/assign_units',
        headers: { ...form, authorization: `Token token="${tenant.unitsToken}"` }, body: 'course_codes[]=JHSC&login_ids[]=1',
      },
    ];
    expect(await violationsOf(requests)).toEqual([]);
  }, 60_000);

  it("answers each operation's error cases as documented: wrong credential, unknown id, malformed XML, a refusal", async () => {
    const requests: Sent[] = [];
    for (const { path: template, method, op } of operations()) {
      const label = op.operationId as string;
      const headers = credentialHeaders(op);
      const wrong = credentialHeaders(op, true);
      const tags = (op.tags as string[])[0]!;
      if (tags.startsWith('Inventory')) requests.push({ label: `${label} wrong token`, method, path: pathWith(template, op, { api_token: 'wrong-token' }) });
      else if (Object.keys(wrong).length) requests.push({ label: `${label} wrong credential`, method, path: pathWith(template, op), headers: wrong });
      const ids = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'path' && p.name !== 'api_token').map((p) => p.name as string);
      const content = (deref(op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
      if (ids.length) {
        const unknown = Object.fromEntries(ids.map((id) => [id, id.endsWith('id') ? '999999999' : 'NO-SUCH-THING']));
        const example = content['application/json']?.example;
        const body = example === undefined ? undefined : asOurs(JSON.stringify(example));
        requests.push({ label: `${label} unknown id`, method, path: pathWith(template, op, unknown), headers: { ...headers, 'content-type': 'application/json' }, body });
      }
      const xml = content['application/xml'];
      if (xml) {
        // Well-formed up to the documented root element, then broken.
        const root = /<([\w-]+)\[/.exec(String((xml.schema as Json).pattern));
        const name = root?.[1] ?? 'root';
        requests.push({ label: `${label} malformed XML`, method, path: pathWith(template, op), headers: { ...headers, 'content-type': 'application/xml' }, body: `<${name}><oops></${name}>` });
      }
    }
    // Refusals by a business rule (documented 4xx bodies).
    const inv = `/api/v2/${tenant.inventoryToken}`;
    const json = { 'content-type': 'application/json' };
    const units = { ...json, authorization: `Token token="${tenant.unitsToken}"` };
    const bearer = { ...json, authorization: `Bearer ${tenant.bearerToken}` };
    requests.push(
      { label: 'adjust below zero', method: 'PUT', path: `${inv}/parts/728/inventory_units/104/adjust_quantity`, headers: json, body: '{"inventory_unit": {"quantity": "abc"}}' },
      { label: 'login without email', method: 'POST', path: '/api/v2/logins', headers: units, body: '{"login": {"email": "not an email"}}' },
      { label: 'assign unknown course', method: 'POST', path: '/api/v2/inventories/assign_units', headers: units, body: '{"course_codes": ["NOPE"], "login_ids": [1]}' },
      { label: 'enroll with unknown code', method: 'POST', path: '/api/enrollment/v1/enroll-user-with-code', headers: bearer, body: '{"email": "a@example.com", "enrollment_code": "ZZZZZZZZ"}' },
      { label: 'token with bad grant', method: 'POST', path: '/oauth2/access_token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' },
      { label: 'same Idempotency-Key, other request', method: 'POST', path: `${inv}/units`, headers: { ...json, 'idempotency-key': 'conformance-1' }, body: '{"unit": {"name": "tube"}}' },
      { label: 'same Idempotency-Key, other request (again)', method: 'POST', path: `${inv}/units`, headers: { ...json, 'idempotency-key': 'conformance-1' }, body: '{"unit": {"name": "tray"}}' },
    );
    const answers = await violationsOf(requests);
    expect(answers).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(100);
  }, 180_000);
});

/** Shell words of one README line: quotes, and `$NAME` / `"$NAME"` from earlier assignments. */
function words(line: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) {
    const expand = (s: string) => s.replace(/\$(\w+)/g, (_, name: string) => vars[name] ?? '');
    out.push(m[1] ?? expand(m[2] ?? m[3]!));
  }
  return out;
}

/** The README's curl lines (```sh blocks), as requests to this server for this test's tenant. */
function readmeRequests(ours: TestTenant): Sent[] {
  const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/\\\n\s*/g, ''));
  const vars: Record<string, string> = {};
  const requests: Sent[] = [];
  for (const line of blocks.flatMap((b) => b.split('\n'))) {
    const assignment = /^([A-Z]+)=(.*)$/.exec(line.trim());
    if (assignment) {
      // The demo credentials become this test's tenant's: the demo tenants stay as other files expect them.
      vars[assignment[1]!] = words(asOurs(assignment[2]!, ours), vars)[0] ?? '';
      continue;
    }
    if (!line.startsWith('curl ')) continue;
    const argv = words(asOurs(line, ours), vars).slice(1);
    const req: Sent = { label: `README: ${line.slice(0, 120)}`, method: 'GET', path: '', headers: {} };
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === '-X') req.method = argv[++i]!;
      else if (arg === '-H') {
        const header = argv[++i]!;
        const colon = header.indexOf(':');
        req.headers![header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
      } else if (arg === '-d') {
        req.body = argv[++i]!;
        if (req.method === 'GET') req.method = 'POST';
        req.headers!['content-type'] ??= 'application/x-www-form-urlencoded';
      } else if (arg === '-o') i++;
      else if (arg.startsWith('http')) req.path = arg.replace(/^http:\/\/localhost:3000/, '');
    }
    requests.push(req);
  }
  return requests;
}

describe('README examples through Prism', () => {
  it('every curl line answers as documented, and again when run a second time', async () => {
    // A tenant of its own, shaped like the demo one: the other tests here create names the README uses too.
    const ours = await demoLikeTenant();
    await putCourse(ours.tenantId, { courseId: 'course-v1:edX+Tiny+2026', maxEnrollments: 1 });
    const requests = readmeRequests(ours);
    expect(requests.length).toBeGreaterThanOrEqual(25);
    const firstStatuses: number[] = [];
    const secondStatuses: number[] = [];
    const first = await violationsOf(requests, firstStatuses);
    const second = await violationsOf(requests, secondStatuses);
    expect({ first, second }).toEqual({ first: [], second: [] });
    // First run: every line succeeds (the token line may meet the demo client's documented 429
    // slow_down while another test file tries wrong secrets). Second run: only creates differ,
    // each with its documented refusal.
    expect(firstStatuses.filter((s) => s >= 300 && s !== 429)).toEqual([]);
    const changed = requests.flatMap((r, i) =>
      secondStatuses[i] === firstStatuses[i] || r.path === '/oauth2/access_token' ? [] : [`${r.method} ${secondStatuses[i]}`],
    );
    expect(changed.length).toBeGreaterThan(0);
    for (const line of changed) expect(line).toMatch(/^POST (400|422)$/);
  }, 180_000);
});
