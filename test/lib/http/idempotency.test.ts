/**
 * The Idempotency-Key middleware (lib/http/idempotency.ts) through the handler factory, with a
 * counting handler on the inventory surface and the real idempotency table (DynamoDB Local):
 * a replay is middy's early response (the handler does not run) and is still logged; a GET
 * never reaches the idempotency table; the fingerprint is of the body as sent.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { putCredential } from '../../../lib/auth/credentials';
import { rawDb } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import { handler } from '../../../lib/http/handler';
import { setLogSink, type LogLine } from '../../../lib/log';
import { call, type RequestSpec } from '../../helpers/http';

const token = `idem-mw-${randomUUID()}`;
const tenantId = `tenant-idem-mw-${randomUUID()}`;
let runs = 0;
const requestKeys: (string | undefined)[] = [];
const failedOnce = new Set<string | undefined>();

const counted = handler(
  {
    surface: 'inventory',
    input: z.object({ body: z.object({ quantity: z.coerce.number().optional() }) }),
    output: z.object({ run: z.number() }),
  },
  async ({ body }, { requestKey }) => {
    requestKeys.push(requestKey);
    runs++;
    // -1 fails once (a 5xx that wrote nothing: the key is released and the retry runs)
    if (body.quantity === -1 && !failedOnce.has(requestKey)) {
      failedOnce.add(requestKey);
      throw new Error('first attempt fails');
    }
    return { body: { run: runs } };
  },
);

const send = (spec: Omit<RequestSpec, 'path' | 'route'>) =>
  call(counted, { ...spec, path: `/api/v2/${token}/things`, route: '/api/v2/{api_token}/things' });

const lines: LogLine[] = [];
let restoreLog: () => void;
/** Commands sent to the idempotency table (a middleware on the process's one client). */
const idempotencyCommands: string[] = [];
const SPY = 'idempotencyTableSpy';

beforeAll(async () => {
  await putCredential('inventory', token, tenantId);
  restoreLog = setLogSink((line) => lines.push(line));
  rawDb().middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: { input: { TableName?: string } }) => {
      if (args.input.TableName === tableName('idempotency')) idempotencyCommands.push(String(context.commandName));
      return next(args);
    }) as never,
    { step: 'initialize', name: SPY },
  );
});

afterAll(() => {
  restoreLog();
  rawDb().middlewareStack.remove(SPY);
});

describe('Idempotency-Key middleware', () => {
  it('gives the handler a requestKey only when the request holds a key: the same for the same key and request', async () => {
    const key = randomUUID();
    const seen = requestKeys.length;
    await send({ method: 'POST', body: { quantity: 2 } });
    const failed = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: { quantity: -1 } });
    expect(failed.statusCode).toBe(500);
    const retried = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: { quantity: -1 } });
    expect(retried.statusCode).toBe(200);
    await send({ method: 'POST', headers: { 'Idempotency-Key': randomUUID() }, body: { quantity: -1 } });
    const [none, first, retry, other] = requestKeys.slice(seen);
    expect(none).toBeUndefined();
    expect(first).toEqual(expect.any(String));
    expect(retry).toBe(first);
    expect(other).toEqual(expect.any(String));
    expect(other).not.toBe(first);
  });

  it('a replay does not run the handler, is byte-identical, and is logged like any answer', async () => {
    const key = randomUUID();
    const before = runs;
    const first = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: { quantity: 1 } });
    const logged = lines.length;
    const replay = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: { quantity: 1 } });
    expect(runs).toBe(before + 1);
    expect({ statusCode: replay.statusCode, headers: replay.headers, body: replay.body }).toEqual({
      statusCode: first.statusCode,
      headers: first.headers,
      body: first.body,
    });
    const replayLines = lines.slice(logged).filter((line) => line.route !== undefined);
    expect(replayLines).toHaveLength(1);
    expect(replayLines[0]).toMatchObject({ status: first.statusCode, tenantId, route: 'POST /api/v2/{api_token}/things' });
  });

  it('a GET with a key runs every time and never reaches the idempotency table', async () => {
    const key = randomUUID();
    const sent = idempotencyCommands.length;
    const before = runs;
    await send({ method: 'GET', headers: { 'Idempotency-Key': key } });
    await send({ method: 'GET', headers: { 'Idempotency-Key': key } });
    expect(runs).toBe(before + 2);
    expect(idempotencyCommands.slice(sent)).toEqual([]);
  });

  it('fingerprints the body as sent: the same JSON written differently is another request (422)', async () => {
    const key = randomUUID();
    const first = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: '{"quantity": 1}' });
    expect(first.statusCode).toBe(200);
    const other = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: '{"quantity":1}' });
    expect(other.statusCode).toBe(422);
    const same = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: '{"quantity": 1}' });
    expect(same.body).toBe(first.body);
  });

  it('a refused request (4xx) releases its key: the retry takes it again', async () => {
    const key = randomUUID();
    const sent = idempotencyCommands.length;
    const refused = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: '{"quantity": "x"}' });
    expect(refused.statusCode).toBe(422);
    const before = runs;
    const again = await send({ method: 'POST', headers: { 'Idempotency-Key': key }, body: '{"quantity": "x"}' });
    expect(again.statusCode).toBe(422);
    expect(runs).toBe(before);
    // take (a conditional update), release (a conditional delete), twice: nothing stored
    expect(idempotencyCommands.slice(sent)).toEqual(['UpdateItemCommand', 'DeleteItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
  });
});
