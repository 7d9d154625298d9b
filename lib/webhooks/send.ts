/**
 * One HTTP POST of a delivery: node:http(s) with the SSRF guard's lookup (address-guard.ts),
 * a hard time limit over the whole exchange, at most `maxResponseBytes` of the answer read, no
 * redirects followed (a 3xx is a failure). node's client rather than fetch: fetch cannot take
 * a `lookup`, and the check must run on the address actually connected to.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { BlockedAddressError, guardedLookup, isBlocked } from './address-guard';
import type { WebhookSettings } from './settings';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** Why a URL cannot be a webhook target, or undefined (scheme and literal address only; names are checked on connect). */
export function urlProblem(raw: string, s: Pick<WebhookSettings, 'allowHttp' | 'allowLoopback'>): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && s.allowHttp)) return s.allowHttp ? 'url must be http or https' : 'url must be https';
  if (url.username || url.password) return 'url must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isBlocked(host, s.allowLoopback)) return `url must not point at a private, loopback, link-local or metadata address`;
  return undefined;
}

export function send(rawUrl: string, body: string, headers: Record<string, string>, s: WebhookSettings): Promise<SendResult> {
  const problem = urlProblem(rawUrl, s);
  if (problem) return Promise.resolve({ ok: false, statusCode: null, error: problem });
  const url = new URL(rawUrl);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'Allot-Webhooks/1', ...headers },
      lookup: guardedLookup(s.allowLoopback) as never,
      agent: false,
    });
    const timer = setTimeout(() => finish({ ok: false, statusCode: null, error: `no answer within ${s.timeoutMs} ms` }), s.timeoutMs);
    req.on('error', (err) => {
      const message = err instanceof BlockedAddressError ? err.message : `${(err as NodeJS.ErrnoException).code ?? 'error'}: ${err.message}`;
      finish({ ok: false, statusCode: null, error: message.slice(0, 300) });
    });
    req.on('response', (res) => {
      const code = res.statusCode ?? 0;
      let read = 0;
      const done = () => finish({ ok: code >= 200 && code < 300, statusCode: code, error: code >= 200 && code < 300 ? null : `HTTP ${code}` });
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= s.maxResponseBytes) done(); // enough: the rest is never read
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(body);
  });
}
