/**
 * The shared middy stack, exercised through an echo handler on the unauthenticated surface
 * (no database involved): formats, body parsing, hostile input, error mapping, v1 events.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { putCredential } from '../../../lib/auth/credentials';
import { handler } from '../../../lib/http/handler';
import { call as callHandler, type RequestSpec } from '../../helpers/http';

beforeAll(() => putCredential('inventory', 'stack-test-token', 'tenant-stack'));

const echo = handler(
  { surface: 'oauth', input: z.object({ body: z.unknown(), query: z.unknown(), path: z.unknown() }), output: z.object({ echo: z.unknown(), query: z.unknown() }) },
  async (input) => ({ body: { echo: input.body as Record<string, unknown>, query: input.query as Record<string, unknown> } }),
);

/** Calls `strict` (inventory surface) at `/api/v2/stack-test-token<path>`, other handlers as given. */
function call(fn: typeof echo, spec: RequestSpec) {
  if (fn !== strict) return callHandler(fn, spec);
  return callHandler(fn, { ...spec, path: `/api/v2/stack-test-token${spec.path}`, route: '/api/v2/{api_token}/{rest}' });
}

const strict = handler(
  {
    surface: 'inventory' as const,
    input: z.object({ body: z.object({ quantity: z.coerce.number().positive() }) }),
    bodyRoot: 'inventory_unit',
    output: z.object({ inventory_unit: z.object({ quantity: z.number(), vendor: z.null(), tenantId: z.string() }) }),
  },
  async ({ body }, { tenantId }) => ({ body: { inventory_unit: { quantity: body.quantity, vendor: null, tenantId } } }),
);

describe('body parsing', () => {
  it('reads JSON', async () => {
    const res = await call(echo, { method: 'POST', path: '/x', body: { a: 1, b: [1, 2] } });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ echo: { a: 1, b: [1, 2] }, query: {} });
  });

  it('reads form-urlencoded with bracket names', async () => {
    const res = await call(echo, {
      method: 'POST',
      path: '/x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'inventory_unit[quantity]=100&login_ids[]=1&login_ids[]=2',
    });
    expect(res.json).toEqual({ echo: { inventory_unit: { quantity: '100' }, login_ids: ['1', '2'] }, query: {} });
  });

  it('reads XML by Content-Type, following Rails rules', async () => {
    const res = await call(echo, {
      method: 'POST',
      path: '/x',
      headers: { 'Content-Type': 'application/xml' },
      body: '<content><login-ids type="array"><login-id type="integer">1</login-id></login-ids></content>',
    });
    expect(res.json).toEqual({ echo: { content: { login_ids: [1] } }, query: {} });
  });

  it('sniffs a body without Content-Type: < means XML, else JSON', async () => {
    const xml = await call(echo, { method: 'POST', path: '/x', body: '  <a><b>1</b></a>' });
    expect(xml.json).toEqual({ echo: { a: { b: '1' } }, query: {} });
    const json = await call(echo, { method: 'POST', path: '/x', body: '{"b":2}' });
    expect(json.json).toEqual({ echo: { b: 2 }, query: {} });
  });

  it('decodes base64 bodies', async () => {
    const res = await call(echo, {
      method: 'POST',
      path: '/x',
      headers: { 'Content-Type': 'application/json' },
      body: '{"z":true}',
      base64: true,
    });
    expect(res.json).toEqual({ echo: { z: true }, query: {} });
  });

  it('merges bracket-named query params into the body for POST and PUT only', async () => {
    const post = await call(echo, { method: 'POST', path: '/x?inventory_unit[quantity]=5&page=2', body: { inventory_unit: { comment: 'c' } } });
    expect(post.json).toEqual({
      echo: { inventory_unit: { comment: 'c', quantity: '5' } },
      query: { inventory_unit: { quantity: '5' }, page: '2' },
    });
    const get = await call(echo, { method: 'GET', path: '/x?inventory_unit[quantity]=5' });
    expect(get.json).toEqual({ echo: {}, query: { inventory_unit: { quantity: '5' } } });
  });

  it('unwraps the surface root and accepts an unwrapped body', async () => {
    const wrapped = await call(strict, { method: 'POST', path: '/x', body: { inventory_unit: { quantity: '2.5' } } });
    expect(wrapped.json).toEqual({ inventory_unit: { quantity: 2.5, vendor: null, tenantId: 'tenant-stack' } });
    const bare = await call(strict, { method: 'POST', path: '/x', body: { quantity: 3 } });
    expect(bare.json).toEqual({ inventory_unit: { quantity: 3, vendor: null, tenantId: 'tenant-stack' } });
  });
});

describe('hostile input gets a 4xx', () => {
  const cases: [string, Parameters<typeof call>[1], number][] = [
    ['broken JSON', { method: 'POST', path: '/x', headers: { 'Content-Type': 'application/json' }, body: '{"a": ' }, 400],
    ['a DOCTYPE', { method: 'POST', path: '/x', headers: { 'Content-Type': 'application/xml' }, body: '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>' }, 400],
    ['an external entity', { method: 'POST', path: '/x', headers: { 'Content-Type': 'text/xml' }, body: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>' }, 400],
    ['malformed XML', { method: 'POST', path: '/x', headers: { 'Content-Type': 'application/xml' }, body: '<a><b></a>' }, 400],
    ['a 2 MiB body', { method: 'POST', path: '/x', headers: { 'Content-Type': 'application/json' }, body: `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}` }, 413],
    ['40 levels of JSON', { method: 'POST', path: '/x', headers: { 'Content-Type': 'application/json' }, body: `${'{"a":'.repeat(40)}1${'}'.repeat(40)}` }, 400],
    ['40 levels of XML', { method: 'POST', path: '/x', headers: { 'Content-Type': 'application/xml' }, body: `${'<a>'.repeat(40)}1${'</a>'.repeat(40)}` }, 400],
    ['an unsupported Content-Type', { method: 'POST', path: '/x', headers: { 'Content-Type': 'text/csv' }, body: 'a,b' }, 415],
  ];

  it.each(cases)('%s', async (_name, spec, status) => {
    const res = await call(echo, spec);
    expect(res.statusCode).toBe(status);
    expect(res.body).not.toContain('passwd');
    expect(res.body).not.toMatch(/at .*\.ts/); // no stack trace
  });

  it('keeps __proto__ keys out of prototypes', async () => {
    const res = await call(echo, { method: 'POST', path: '/x', headers: { 'Content-Type': 'application/json' }, body: '{"__proto__": {"polluted": 1}, "a": 1}' });
    expect(res.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('response format', () => {
  it('is JSON by default, XML by .xml suffix or Accept', async () => {
    const json = await call(strict, { method: 'POST', path: '/x', body: { quantity: 1 } });
    expect(json.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const bySuffix = await call(strict, { method: 'POST', path: '/x.xml', body: { quantity: 1 } });
    expect(bySuffix.headers['Content-Type']).toBe('application/xml; charset=utf-8');
    expect(bySuffix.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<inventory_unit>/);
    expect(bySuffix.body).toContain('<vendor/>');
    const byAccept = await call(strict, { method: 'POST', path: '/x', headers: { Accept: 'text/xml' }, body: { quantity: 1 } });
    expect(byAccept.headers['Content-Type']).toBe('application/xml; charset=utf-8');
    const jsonWins = await call(strict, { method: 'POST', path: '/x.json', headers: { Accept: 'application/xml' }, body: { quantity: 1 } });
    expect(jsonWins.headers['Content-Type']).toBe('application/json; charset=utf-8');
  });

  it('writes validation errors in the surface shape, in JSON and XML', async () => {
    const json = await call(strict, { method: 'POST', path: '/x', body: { quantity: -1 } });
    expect(json.statusCode).toBe(422);
    expect(json.json).toEqual({ errors: [expect.stringMatching(/^quantity /)] });
    const xml = await call(strict, { method: 'POST', path: '/x.xml', body: { quantity: -1 } });
    expect(xml.statusCode).toBe(422);
    expect(xml.body).toMatch(/<errors>\s*<error>quantity [^<]+<\/error>\s*<\/errors>/);
  });
});

describe('inventory path token', () => {
  it('answers a wrong token with the surface 401 body', async () => {
    const res = await callHandler(strict, {
      method: 'POST',
      path: '/api/v2/wrong-token/x',
      route: '/api/v2/{api_token}/{rest}',
      body: { quantity: 1 },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({ errors: ['Invalid API token'] });
  });
});

describe('REST API (payload 1.0) events', () => {
  it('are read like HTTP API events', async () => {
    const res = await call(echo, { method: 'POST', path: '/x?page=3', payload: '1.0', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ echo: { a: 1 }, query: { page: '3' } });
  });
});
