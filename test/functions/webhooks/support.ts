/**
 * The webhook handlers called as API Gateway would, a local receiver, the documented
 * verification snippet (read from docs/EVENTS.md and run as is). Not a test file.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { rawDb } from '../../../lib/db/client';
import { useDeliveryQueue } from '../../../lib/webhooks/queue';
import { EventRunner } from '../../../scripts/event-runner';
import { handler as createHandler } from '../../../functions/webhooks/create-endpoint';
import { handler as deleteHandler } from '../../../functions/webhooks/delete-endpoint';
import { handler as deliveriesHandler } from '../../../functions/webhooks/list-deliveries';
import { handler as listHandler } from '../../../functions/webhooks/list-endpoints';
import { handler as redeliverHandler } from '../../../functions/webhooks/redeliver';
import { handler as rotateHandler } from '../../../functions/webhooks/rotate-secret';
import { call } from '../../helpers/http';

const base = '/api/webhooks/v1/endpoints';

export function webhooksApi(token: string) {
  const headers = { Authorization: `Bearer ${token}` };
  return {
    create: (body: Record<string, unknown>) => call(createHandler, { method: 'POST', path: base, headers, body }),
    list: () => call(listHandler, { method: 'GET', path: base, headers }),
    remove: (id: string) => call(deleteHandler, { method: 'DELETE', path: `${base}/${id}`, route: `${base}/{endpoint_id}`, headers }),
    rotate: (id: string) => call(rotateHandler, { method: 'POST', path: `${base}/${id}/rotate-secret`, route: `${base}/{endpoint_id}/rotate-secret`, headers }),
    deliveries: (id: string) => call(deliveriesHandler, { method: 'GET', path: `${base}/${id}/deliveries`, route: `${base}/{endpoint_id}/deliveries`, headers }),
    redeliver: (id: string, eventId: string) =>
      call(redeliverHandler, { method: 'POST', path: `${base}/${id}/deliveries/${eventId}/redeliver`, route: `${base}/{endpoint_id}/deliveries/{event_id}/redeliver`, headers }),
  };
}

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A webhook receiver on 127.0.0.1 that records what it gets and answers 200; stop() refuses
 * connections again. Its port is a free one the system picks (never a fixed number: other
 * test files and sessions run beside it), kept across stop() and start() so its URL stays.
 */
export class Receiver {
  readonly got: Received[] = [];
  private server?: Server;
  private port?: number;
  get url(): string {
    if (this.port === undefined) throw new Error('Receiver: no port yet (start() or reserve() first)');
    return `http://127.0.0.1:${this.port}/hook`;
  }
  /** A port that is free and closed: bound, read, released (a connection to the URL is refused until start()). */
  async reserve(): Promise<void> {
    this.port = await freePort();
  }
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.got.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    this.server = server;
    this.port = await listen(server, this.port ?? 0);
  }
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

/** Listens on 127.0.0.1:`port` (0: a free one) and answers the port it got. */
export async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: one the system hands out, bound and closed again. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** The verification snippet of docs/EVENTS.md (the ```js verify-snippet block), compiled as written. */
export function documentedVerifier(): (rawBody: string, header: string, secret: string, toleranceSeconds?: number) => boolean {
  const doc = readFileSync(resolve(__dirname, '../../../docs/EVENTS.md'), 'utf8');
  const code = /```js verify-snippet\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error('docs/EVENTS.md has no verify-snippet block');
  const factory = new Function('require', `${code}\nreturn verifyAllotSignature;`) as (req: NodeRequire) => ReturnType<typeof documentedVerifier>;
  return factory(createRequire(__filename));
}

/** Polls `check` until it holds (or fails after `limitMs`): the pipeline is asynchronous, so tests wait for an outcome, never a duration. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, limitMs = 20_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** The local event runner (streams -> publisher -> fan-out -> deliveries) with delivery settings for a test. */
export async function startEventRunner(settings: Record<string, string>): Promise<EventRunner> {
  Object.assign(process.env, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_LOOPBACK: 'true', ...settings });
  const runner = new EventRunner(rawDb(), process.env.DYNAMODB_ENDPOINT!, 50);
  await runner.start();
  useDeliveryQueue(runner.queue);
  return runner;
}
