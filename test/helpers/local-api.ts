/**
 * A minimal stand-in for serverless-offline's router, for tests that need the API on a real
 * HTTP port (the browser test of /docs): it matches each request against the routes of
 * serverless.yml and runs the real handler with a real API Gateway v2 event. No AWS behaviour
 * is imitated beyond that routing; the handlers talk to the test run's DynamoDB Local.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../lib/http/event';
import type { HttpResult } from '../../lib/http/handler';
import { listFunctions } from '../../scripts/functions';
import { lambdaContext } from '../../scripts/lambda-context';
import { buildEvent } from './http';

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  load: () => Promise<Handler>;
}

function routes(): Route[] {
  return listFunctions().flatMap((fn) =>
    fn.routes.map((r) => ({
      method: r.method,
      template: r.path,
      pattern: new RegExp(`^${r.path.replace(/[.+]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
      load: async () => ((await import(fn.sourcePath)) as Record<string, Handler>)[fn.exportName]!,
    })),
  );
}

export async function startLocalApi(port = 0): Promise<{ url: string; server: Server }> {
  const table = routes();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = (req.url ?? '/').split('?')[0]!;
        const route = table.find((r) => r.method === req.method && r.pattern.test(path)) ?? table.find((r) => r.pattern.test(path) && req.method === 'OPTIONS');
        if (!route) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
          return;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
        const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
        const handler = await route.load();
        const result = await handler(buildEvent({ method: req.method, path: req.url ?? '/', route: route.template, headers, body }), lambdaContext('local-api'));
        res.writeHead(result.statusCode, result.headers).end(result.body);
      })().catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
