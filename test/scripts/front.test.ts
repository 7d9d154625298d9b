/**
 * scripts/front.ts, npm start's thin front: repeated headers reach the API joined with commas
 * (two Authorization headers -> 401 from the handlers, as on API Gateway), a malformed Host is
 * answered 400 before anything runs, everything else passes through as it was.
 */
import { request } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFront, type Front } from '../../scripts/front';
import { startLocalApi } from '../helpers/local-api';

let api: { url: string; server: Server };
let front: Front;

beforeAll(async () => {
  api = await startLocalApi();
  front = await startFront({ port: 0, targetPort: Number(new URL(api.url).port) });
});

afterAll(async () => {
  await front?.close();
  api?.server.close();
});

/** A raw request through the front: headers as a flat [name, value, ...] list, repeats allowed. */
function send(path: string, rawHeaders: string[]): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((done, fail) => {
    const hasHost = rawHeaders.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host');
    const headers = hasHost ? rawHeaders : ['Host', `127.0.0.1:${front.port}`, ...rawHeaders];
    const req = request({ host: '127.0.0.1', port: front.port, path, method: 'GET', headers, setHost: false });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

const demoToken = 'Token token="demo-ll-token"';

describe('npm start front (scripts/front.ts)', () => {
  it('passes a request through: status, body and headers as the API answered', async () => {
    const res = await send('/api/v2/inventories', ['Authorization', demoToken]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toHaveProperty('units_available');
  });

  it('two Authorization headers: joined as API Gateway joins them, so the API answers 401', async () => {
    const res = await send('/api/v2/inventories', ['Authorization', demoToken, 'Authorization', 'Token token="other"']);
    expect([res.status, res.body]).toEqual([401, 'HTTP Token: Access denied.\n']);
    const bearer = 'Bearer cbf6a5de322cf6a4323c957a882xy1s321c954b86';
    const edx = await send('/api/enrollment/v1/courses', ['Authorization', bearer, 'Authorization', bearer]);
    expect(edx.status).toBe(401);
  });

  it.each(['a<b', '[::1', 'exa mple.com', 'host:port'])('a malformed Host (%s) is answered 400 before the API', async (host) => {
    const res = await send('/api/v2/inventories', ['Host', host, 'Authorization', demoToken]);
    expect([res.status, res.body]).toEqual([400, '{"message":"Bad Request"}']);
  });

  it.each(['localhost:3000', '127.0.0.1', '[::1]:3000', 'api.example.com'])('a well-formed Host (%s) passes', async (host) => {
    const res = await send('/api/v2/inventories', ['Host', host, 'Authorization', demoToken]);
    expect(res.status).toBe(200);
  });
});
