/**
 * The SSRF guard: private, loopback, link-local and metadata addresses refused, by literal and
 * after DNS resolution, at registration and at delivery (the check runs where the connection is made).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isBlocked } from '../../../lib/webhooks/address-guard';
import { send, urlProblem } from '../../../lib/webhooks/send';
import { webhookSettings, type WebhookSettings } from '../../../lib/webhooks/settings';
import { createEndpoint } from '../../../lib/webhooks/endpoints';
import { ValidationError } from '../../../lib/errors';

const strict: WebhookSettings = { ...webhookSettings(), allowHttp: true, allowLoopback: false, timeoutMs: 2000 };

describe('address guard', () => {
  it('refuses private, loopback, link-local, metadata, CGNAT and mapped forms; lets public addresses through', () => {
    for (const a of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00:ec2::254', '::ffff:10.0.0.1', '::ffff:169.254.169.254']) {
      expect(isBlocked(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isBlocked(a), a).toBe(false);
    expect(isBlocked('127.0.0.1', true)).toBe(false);
    expect(isBlocked('169.254.169.254', true)).toBe(true);
  });

  it('refuses http unless allowed, credentials in the URL, and literal private addresses', () => {
    expect(urlProblem('http://hooks.example.com/', { allowHttp: false, allowLoopback: false })).toBe('url must be https');
    expect(urlProblem('https://user:pw@hooks.example.com/', { allowHttp: false, allowLoopback: false })).toMatch(/credentials/);
    expect(urlProblem('https://169.254.169.254/latest/meta-data/', { allowHttp: false, allowLoopback: true })).toMatch(/metadata/);
    expect(urlProblem('https://[::1]/', { allowHttp: false, allowLoopback: false })).toMatch(/loopback/);
    expect(urlProblem('https://hooks.example.com/x', { allowHttp: false, allowLoopback: false })).toBeUndefined();
  });
});

describe('SSRF at delivery', () => {
  it('a name that resolves to a loopback address is refused when connecting, and nothing reaches the target', async () => {
    let reached = 0;
    const server = createServer((_req, res) => {
      reached++;
      res.end('ok');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    try {
      const refused = await send(`http://localhost:${port}/hook`, '{}', {}, strict);
      expect(refused).toMatchObject({ ok: false, statusCode: null });
      expect(refused.error).toMatch(/not a public address/);
      const literal = await send(`http://127.0.0.1:${port}/hook`, '{}', {}, strict);
      expect(literal.ok).toBe(false);
      expect(reached).toBe(0);
      // the same receiver with loopback allowed (locally): reached, so the refusals above were the guard's
      const allowed = await send(`http://localhost:${port}/hook`, '{}', {}, { ...strict, allowLoopback: true });
      expect(allowed).toMatchObject({ ok: true, statusCode: 200 });
      expect(reached).toBe(1);
    } finally {
      server.close();
    }
  });

  it('an answer is read only up to the bound, and a receiver that never answers is given up on at the time limit', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      res.writeHead(200);
      res.write('x'.repeat(1 << 20));
      // never ends the body
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const s = { ...strict, allowLoopback: true, timeoutMs: 300, maxResponseBytes: 1024 };
    try {
      expect(await send(`http://127.0.0.1:${port}/big`, '{}', {}, s)).toMatchObject({ ok: true, statusCode: 200 });
      expect(await send(`http://127.0.0.1:${port}/hang`, '{}', {}, s)).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 300 ms' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('registration refuses a metadata or private target with a clear 4xx error', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_LOOPBACK: 'false' });
    try {
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.5/hook', 'http://localhost:4399/hook', 'http://[::1]:4399/']) {
        await expect(createEndpoint('ssrf-tenant', { url, event_types: ['*'] }), url).rejects.toBeInstanceOf(ValidationError);
      }
    } finally {
      process.env = saved;
    }
  });
});
