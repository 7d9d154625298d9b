/**
 * The request log (lib/http/log-requests.ts): one JSON line per request, and never a secret in it.
 * Requests with every demo credential (and wrong ones) are run in process with the log
 * captured, then the captured text is searched for each secret. The demo tenant is only read.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as accessToken } from '../../functions/auth/access-token';
import { handler as listCodes } from '../../functions/enrollment/list-codes';
import { handler as showUnit } from '../../functions/inventory/show';
import { handler as inventories } from '../../functions/units/inventories';
import { clearCredentialCache } from '../../lib/auth/credentials';
import { db } from '../../lib/db/client';
import { setLogSink, type LogLine } from '../../lib/log';
import { lambdaContext } from '../../scripts/lambda-context';
import { buildEvent, call, type RequestSpec } from '../helpers/http';
import { routeOf } from '../helpers/routes';
import { demoSecrets } from './support';

const otherSecrets = ['other-inventory-token', 'other-ll-token', 'other-bearer-token'];
const wrongSecrets = ['wrong-inventory-token-0123456789', 'wrong-ll-token-0123456789', 'wrong-bearer-0123456789', 'wrong-secret-0123456789'];

const showRoute = routeOf('showInventoryUnit').path;
const requests = {
  token: (body: string, headers: Record<string, string> = {}): RequestSpec => ({
    method: 'POST',
    path: '/oauth2/access_token',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  }),
  units: (token: string): RequestSpec => ({ path: '/api/v2/inventories', headers: { Authorization: `Token token="${token}"` } }),
  inventory: (token: string): RequestSpec => ({ path: `/api/v2/${token}/parts/728/inventory_units/52`, route: showRoute }),
  enrollment: (token: string): RequestSpec => ({
    path: '/api/enrollment/v1/codes?course_id=course-v1%3AedX%2BDemoX%2BDemo_Course',
    route: routeOf('listEnrollmentCodes').path,
    headers: { Authorization: `Bearer ${token}` },
  }),
};

let lines: LogLine[] = [];
let restore: () => void;

beforeAll(() => {
  restore = setLogSink((line) => lines.push(line));
  return () => restore();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('with every credential', () => {
  const statuses: number[] = [];
  const basic = Buffer.from(`demo-client:${demoSecrets.clientSecret}`).toString('base64');
  let issued = '';

  beforeAll(async () => {
    lines = [];
    const token = await call(accessToken, requests.token(`grant_type=client_credentials&client_id=demo-client&client_secret=${demoSecrets.clientSecret}`));
    issued = (token.json as { access_token: string }).access_token;
    const responses = [
      token,
      await call(accessToken, requests.token('grant_type=client_credentials', { Authorization: `Basic ${basic}` })),
      await call(accessToken, requests.token(`grant_type=client_credentials&client_id=demo-client&client_secret=${wrongSecrets[3]}`)),
      await call(inventories, requests.units(demoSecrets.units)),
      await call(inventories, requests.units(otherSecrets[1]!)),
      await call(inventories, requests.units(wrongSecrets[1]!)),
      await call(showUnit, requests.inventory(demoSecrets.inventory)),
      await call(showUnit, { ...requests.inventory(demoSecrets.inventory), path: `/api/v2/${demoSecrets.inventory}/parts/728/inventory_units/52.xml` }),
      await call(showUnit, requests.inventory(otherSecrets[0]!)),
      await call(showUnit, requests.inventory(wrongSecrets[0]!)),
      await call(listCodes, requests.enrollment(demoSecrets.bearer)),
      await call(listCodes, requests.enrollment(issued)),
      await call(listCodes, requests.enrollment(otherSecrets[2]!)),
      await call(listCodes, requests.enrollment(wrongSecrets[2]!)),
    ];
    statuses.push(...responses.map((r) => r.statusCode));
  });

  it('the requests themselves worked (or were refused) as expected', () => {
    expect(statuses).toEqual([200, 200, 401, 200, 200, 401, 200, 200, 200, 401, 200, 200, 200, 401]);
    expect(issued).toMatch(/^.{32,}$/);
  });

  it('log one JSON line per request with request id, function, tenant, route template, status, duration', () => {
    expect(lines).toHaveLength(statuses.length);
    expect(lines.map((l) => l.status)).toEqual(statuses);
    for (const line of lines) {
      expect(line).toMatchObject({ requestId: expect.any(String), function: 'test', route: expect.any(String), durationMs: expect.any(Number) });
      expect(() => JSON.parse(JSON.stringify(line))).not.toThrow();
    }
    expect(lines.filter((l) => l.status === 200 && l.surface !== 'oauth').map((l) => l.tenantId)).toEqual(['demo', 'other', 'demo', 'demo', 'other', 'demo', 'demo', 'other']);
    expect(lines.filter((l) => l.surface === 'inventory').map((l) => l.route)).toContain(`GET ${showRoute}`);
  });

  it('never contain a token, a client secret or an issued access token', () => {
    const text = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of [...Object.values(demoSecrets), ...otherSecrets, ...wrongSecrets, issued, basic]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('an unexpected failure (500)', () => {
  it('logs the error with its stack, and answers without it', async () => {
    lines = [];
    clearCredentialCache(); // so the credential lookup reaches the failing database
    const marker = `database exploded ${randomUUID()}`;
    vi.spyOn(db(), 'send').mockRejectedValue(new Error(marker) as never);
    const res = await inventories(buildEvent(requests.units(demoSecrets.units)), lambdaContext('listInventories'));
    expect(res.statusCode).toBe(500);
    expect(res.body).toMatch(/Internal server error \(request id [\w-]+\)/);
    expect(res.body).not.toContain(marker);
    expect(res.body).not.toMatch(/\bat .+:\d+:\d+/); // no stack frame
    expect(lines).toHaveLength(1);
    const [line] = lines as [LogLine & { error: { message: string; stack: string } }];
    expect(line).toMatchObject({ level: 'error', status: 500, function: 'listInventories', route: 'GET /api/v2/inventories' });
    expect(line.error.message).toBe(marker);
    expect(line.error.stack).toMatch(/\n\s+at /);
  });
});
