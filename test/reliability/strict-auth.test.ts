/**
 * Authentication exactly as SPEC section 4 documents it (docs/RELIABILITY.md A1, A7-A9):
 * malformed `Token token="..."` headers, two Authorization headers (API Gateway v2 joins
 * them with a comma, v1 lists them in multiValueHeaders), Basic and body credentials together,
 * and the limit on failed client-secret checks per client id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as accessToken } from '../../functions/auth/access-token';
import { handler as listCodes } from '../../functions/enrollment/list-codes';
import { handler as inventories } from '../../functions/units/inventories';
import { putClient } from '../../lib/auth/credentials';
import type { HttpEvent } from '../../lib/http/event';
import { lambdaContext } from '../../scripts/lambda-context';
import { buildEvent, call, type RequestSpec } from '../helpers/http';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { invariant, reportCounts } from './support/counts';

let t: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  [t, other] = await Promise.all([createTenant('strict'), createTenant('strict-o')]);
});
afterEach(() => {
  vi.useRealTimers();
  delete process.env.OAUTH_MAX_FAILED_ATTEMPTS;
  delete process.env.OAUTH_ATTEMPT_WINDOW_SECONDS;
});
afterAll(() => reportCounts('strict-auth.test.ts'));

const units = (authorization: string, payload: '1.0' | '2.0' = '2.0'): RequestSpec => ({
  path: '/api/v2/inventories', route: '/api/v2/inventories', headers: { Authorization: authorization }, payload,
});

/** A v1 (REST API) event carrying the Authorization header twice, as API Gateway delivers it. */
function twoHeadersV1(spec: RequestSpec, values: [string, string]): HttpEvent {
  const event = buildEvent({ ...spec, payload: '1.0' }) as HttpEvent & { multiValueHeaders?: Record<string, string[]> };
  event.headers = { ...event.headers, Authorization: values[1] };
  event.multiValueHeaders = { Authorization: values };
  return event;
}

describe('course units: Authorization: Token token="..."', () => {
  it('is accepted well formed, in each documented form', async () => {
    for (const header of [`Token token="${t.unitsToken}"`, `Token ${t.unitsToken}`, `Bearer ${t.unitsToken}`, `token TOKEN="${t.unitsToken}"`]) {
      expect((await call(inventories, units(header))).statusCode, header).toBe(200);
      invariant();
    }
  });

  it('is refused when malformed: an unterminated quote, text after the quote, white space inside, an unquoted token=', async () => {
    for (const header of [
      `Token token="${t.unitsToken}`,
      `Token token="${t.unitsToken}"y`,
      `Token token="${t.unitsToken} "`,
      `Token token=" ${t.unitsToken}"`,
      `Token token=${t.unitsToken}`,
      `Token token="${t.unitsToken}", nonce="x"`,
      `Token ${t.unitsToken} extra`,
      `Bearer "${t.unitsToken}"`,
    ]) {
      const res = await call(inventories, units(header));
      expect(res.statusCode, header).toBe(401);
      expect(res.body).toBe('HTTP Token: Access denied.\n');
      invariant();
    }
  });
});

describe('two Authorization headers', () => {
  it('v2 (joined with a comma by API Gateway): 401 on course units and enrollment, even when both are valid', async () => {
    for (const header of [`Token token="${t.unitsToken}",Token token="${t.unitsToken}"`, `Token token="${other.unitsToken}",Token token="${t.unitsToken}"`, `Bearer ${t.unitsToken}, Bearer ${t.unitsToken}`]) {
      expect((await call(inventories, units(header))).statusCode, header).toBe(401);
    }
    const res = await call(listCodes, { path: '/api/enrollment/v1/codes?course_id=x', headers: { Authorization: `Bearer ${other.bearerToken},Bearer ${t.bearerToken}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ detail: 'Invalid Token.' });
    invariant(4);
  });

  it('v1 (multiValueHeaders): 401 on course units, enrollment and the token endpoint, not the last one winning', async () => {
    const ctx = () => lambdaContext('test');
    const u = await inventories(twoHeadersV1(units(''), [`Token token="${other.unitsToken}"`, `Token token="${t.unitsToken}"`]), ctx());
    expect(u.statusCode).toBe(401);
    const e = await listCodes(twoHeadersV1({ path: '/api/enrollment/v1/codes', headers: {} }, [`Bearer ${other.bearerToken}`, `Bearer ${t.bearerToken}`]), ctx());
    expect(e.statusCode).toBe(401);
    const clientId = `client-${randomUUID()}`;
    await putClient(clientId, 'right', t.tenantId);
    const basic = `Basic ${Buffer.from(`${clientId}:right`).toString('base64')}`;
    const o = await accessToken(
      twoHeadersV1({ method: 'POST', path: '/oauth2/access_token', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }, [basic, basic]),
      ctx(),
    );
    expect(o.statusCode).toBe(401);
    expect(JSON.parse(o.body)).toMatchObject({ error: 'invalid_client' });
    invariant(3);
  });
});

describe('POST /oauth2/access_token', () => {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const token = (body: string, headers: Record<string, string> = {}) =>
    call(accessToken, { method: 'POST', path: '/oauth2/access_token', headers: { ...form, ...headers }, body });
  const basic = (id: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

  async function newClient(): Promise<{ id: string; secret: string }> {
    const client = { id: `client-${randomUUID()}`, secret: `secret-${randomUUID()}` };
    await putClient(client.id, client.secret, t.tenantId);
    return client;
  }

  it('Basic and body credentials together: 400 invalid_request, no token (also a wrong Basic with a right body)', async () => {
    const c = await newClient();
    for (const [headers, body] of [
      [basic(c.id, c.secret), `grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`],
      [basic(c.id, 'wrong'), `grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`],
      [basic(c.id, 'wrong'), `grant_type=client_credentials&client_secret=${c.secret}`],
    ] as const) {
      const res = await token(body, headers);
      expect(res.statusCode).toBe(400);
      expect(res.json).toMatchObject({ error: 'invalid_request' });
      expect(JSON.stringify(res.json)).not.toContain('access_token');
      invariant();
    }
  });

  it('an Authorization header that is not well-formed Basic: 401 invalid_client, even with right body credentials', async () => {
    const c = await newClient();
    for (const authorization of [`Bearer ${t.bearerToken}`, 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`]) {
      const res = await token(`grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`, { Authorization: authorization });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json).toMatchObject({ error: 'invalid_client' });
      invariant();
    }
  });

  it('after 10 failed secrets for a client id: 429 slow_down with Retry-After, even for the right secret; after the window, the right secret works', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:30Z'));
    const c = await newClient();
    for (let i = 0; i < 10; i++) {
      const res = await token(`grant_type=client_credentials&client_id=${c.id}&client_secret=wrong-${i}`);
      expect(res.statusCode).toBe(401);
    }
    for (const secret of ['wrong-again', c.secret]) {
      const res = await token(`grant_type=client_credentials&client_id=${c.id}&client_secret=${secret}`);
      expect(res.statusCode).toBe(429);
      expect(res.json).toMatchObject({ error: 'slow_down' });
      expect(res.headers['Retry-After']).toBe('270'); // the 5-minute window began at 00:00:00
      expect(JSON.stringify(res.json)).not.toContain('access_token');
    }
    // Basic credentials count against the same client id.
    expect((await token('grant_type=client_credentials', basic(c.id, c.secret))).statusCode).toBe(429);
    vi.setSystemTime(new Date('2030-01-01T00:05:00Z'));
    const ok = await token(`grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'Bearer' });
    invariant(15);
  });

  it('successful checks do not count; unknown client ids are limited too; the limit and window are settable', async () => {
    process.env.OAUTH_MAX_FAILED_ATTEMPTS = '3';
    process.env.OAUTH_ATTEMPT_WINDOW_SECONDS = '60';
    const c = await newClient();
    for (let i = 0; i < 6; i++) expect((await token(`grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`)).statusCode).toBe(200);
    const nobody = `nobody-${randomUUID()}`;
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await token(`grant_type=client_credentials&client_id=${nobody}&client_secret=x`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Another client id is not affected.
    expect((await token(`grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}`)).statusCode).toBe(200);
    invariant(12);
  });

  it('failures racing in parallel never get past the limit', async () => {
    process.env.OAUTH_MAX_FAILED_ATTEMPTS = '5';
    const c = await newClient();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => token(`grant_type=client_credentials&client_id=${c.id}&client_secret=wrong-${i}`)),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    invariant(2);
  });
});
