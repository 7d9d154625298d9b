/**
 * `npm start`'s thin front on PORT, before serverless-offline (on an internal port): what API
 * Gateway (HTTP API) does to a request before any Lambda runs and serverless-offline does not.
 *
 * - Repeated headers reach the handler joined with commas, as in API Gateway's payload 2.0
 *   (serverless-offline keeps one of them): two `Authorization` headers arrive as `a,b`, which
 *   lib/http/auth.ts answers 401 on the surfaces with header credentials.
 * - A `Host` that is not a host name, IPv4 address or bracketed IPv6 address with an optional
 *   port (`a<b`, `[::1`) is answered 400 `{"message":"Bad Request"}` here (serverless-offline
 *   answered 500 before any handler ran).
 *
 * Everything else passes through untouched, streamed both ways.
 */
import { createServer, request as forward, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** RFC 3986 host (reg-name, IPv4, IP-literal) with an optional port. */
const validHost = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::\d{1,5})?$/;

export function isValidHost(host: string | undefined): boolean {
  return host !== undefined && validHost.test(host);
}

/** The request's headers with each repeated one joined by commas (payload 2.0), hop-by-hop ones kept. */
export function joinedHeaders(req: Pick<IncomingMessage, 'headersDistinct' | 'headers'>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(req.headersDistinct as Record<string, string[] | undefined>)) {
    if (values === undefined) continue;
    out[name] = name === 'set-cookie' ? values : values.join(',');
  }
  return out;
}

function badRequest(res: import('node:http').ServerResponse): void {
  const body = '{"message":"Bad Request"}';
  res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

export interface Front {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Listens on `port` (0: any free one) and forwards to http://127.0.0.1:`targetPort`. */
export async function startFront({ port, host = '127.0.0.1', targetPort }: { port: number; host?: string; targetPort: number }): Promise<Front> {
  const server = createServer((req, res) => {
    if (!isValidHost(req.headers.host)) {
      req.resume();
      badRequest(res);
      return;
    }
    const upstream = forward(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: joinedHeaders(req) },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders as unknown as IncomingHttpHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (res.headersSent) res.destroy(err);
      else res.writeHead(502, { 'content-type': 'application/json' }).end(`{"message":"Bad Gateway: ${err.message.replace(/"/g, "'")}"}`);
    });
    req.pipe(upstream);
  });
  // A header line Node cannot parse at all: API Gateway answers 400 too.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 25\r\nconnection: close\r\n\r\n{"message":"Bad Request"}');
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
