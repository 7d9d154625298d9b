/**
 * Idempotency-Key on every write endpoint (SPEC section 3, "Retries"; docs/RELIABILITY.md R1-R6).
 * The endpoints are every POST/PUT function of serverless.yml but the token endpoint
 * (support/endpoints.ts reads them from scripts/functions.ts), so a new write endpoint is
 * covered without touching this file.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../lib/db/client';
import { tableName } from '../../lib/db/tables';
import { requestFingerprint } from '../../lib/http/idempotency';
import { acquireKey, idempotencyRecordKey, releaseKey } from '../../lib/idempotency/repository';
import { buildEvent, type Response } from '../helpers/http';
import { invariant, reportCounts } from './support/counts';
import { credentialFor, loadEndpoints, requestFor, send, tokenOf, type Endpoint, type Input } from './support/endpoints';
import { injectFaults, type Injector } from './support/faults';
import { changes, snapshot, type Snapshot } from './support/snapshot';
import { world, type World } from './support/world';

const { endpoints, missing } = await loadEndpoints();
const writes = endpoints.filter((ep) => ep.method === 'POST' || ep.method === 'PUT');

let a: World;
let b: World;
let faults: Injector | undefined;

beforeAll(async () => {
  [a, b] = await Promise.all([
    world('idem-a', { inventoryUnits: 2, codes: 6, balance: 1000 }),
    world('idem-b', { inventoryUnits: 2, codes: 6, balance: 1000 }),
  ]);
});
afterEach(() => {
  faults?.release();
  faults?.remove();
  faults = undefined;
});
afterAll(() => reportCounts('idempotency.test.ts'));

const key = () => `key-${randomUUID()}`;

/** `input`: the request to send (a valid one by default; creates make unique names per call, so a test fixes one). */
function request(ep: Endpoint, w: World, idempotencyKey: string | undefined, input: Input = ep.valid(w)) {
  const headers = { ...input.headers, ...(idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey }) };
  return requestFor(ep, ep.routes[0]!, credentialFor(ep.surface, tokenOf(ep.surface, w)), { ...input, headers });
}

const sendKeyed = (ep: Endpoint, w: World, k: string | undefined, input?: Input) => send(ep.handler, request(ep, w, k, input));

/** Another request: the same body plus one field the handler ignores. */
function otherBody(input: Input): Input {
  return { ...input, body: { ...(input.body as Record<string, unknown>), retry_note: 'another request' } };
}

const state = (w: World, ep: Endpoint) => snapshot(w, {}, [ep.surface]);

function expectUnchanged(before: Snapshot, after: Snapshot) {
  expect(changes(before, after)).toEqual([]);
  expect(after.counters).toEqual(before.counters);
  invariant(2);
}

/** The answer a client compares: status, headers, body, byte for byte. */
const answer = (res: Response) => ({ statusCode: res.statusCode, headers: res.headers, body: res.body });

/** The surface's error shape with its status (SPEC section 3). */
function expectError(ep: Endpoint, res: Response, status: number) {
  expect(res.statusCode).toBe(status);
  if (ep.surface === 'units') expect(res.json).toEqual({ errors: expect.any(String) });
  if (ep.surface === 'inventory') expect(res.json).toEqual({ errors: [expect.any(String)] });
  if (ep.surface === 'enrollment') expect(res.json).toEqual({ success: 'false', reason: expect.any(String) });
  invariant();
}

/**
 * Holds the request's storing of its answer (the idempotency record's completion) until
 * release(): the request has done its work but, for the key, is still running.
 */
function holdCompletion(w: World): Injector {
  const table = tableName('idempotency');
  return injectFaults({
    // The completion (taking the key is an UpdateItem too: the claim primitive's take).
    select: (c) => c.command === 'UpdateItemCommand' && [table, w.tenantId, ':completed'].every((t) => JSON.stringify(c.input).includes(t)),
    fault: () => 'hang',
  });
}

describe('Idempotency-Key', () => {
  it('covers every POST and PUT function of serverless.yml but the token endpoint', () => {
    expect(missing).toEqual([]);
    const names = writes.map((ep) => ep.name);
    for (const name of ['adjustInventoryUnitQuantity', 'assignUnits', 'createInventoryUnit', 'enrollUserWithCode', 'enrollmentCodeStatus',
      'generateEnrollmentCodes', 'moveInventoryUnit', 'splitInventoryUnit', 'updateInventoryUnit']) expect(names).toContain(name);
  });

  describe.each(writes.map((ep) => [ep.name, ep] as const))('%s', (_name, ep) => {
    it('a retry with the same key replays the first answer exactly and changes nothing', async () => {
      const k = key();
      const input = ep.valid(a);
      const first = await sendKeyed(ep, a, k, input);
      expect(first.statusCode).toBeLessThan(300);
      const before = await state(a, ep);
      const again = await sendKeyed(ep, a, k, input);
      const third = await sendKeyed(ep, a, k, input);
      expect(answer(again)).toEqual(answer(first));
      expect(answer(third)).toEqual(answer(first));
      expectUnchanged(before, await state(a, ep));
    });

    it('the same key with another request is 422 in the surface shape; the first answer stays', async () => {
      const k = key();
      const input = ep.valid(a);
      const first = await sendKeyed(ep, a, k, input);
      expect(first.statusCode).toBeLessThan(300);
      const before = await state(a, ep);
      const other = await sendKeyed(ep, a, k, otherBody(input));
      expectError(ep, other, 422);
      expect(JSON.stringify(other.json)).toContain('Idempotency-Key was used for a different request');
      // The refused request did not take the stored answer with it.
      expect(answer(await sendKeyed(ep, a, k, input))).toEqual(answer(first));
      expectUnchanged(before, await state(a, ep));
    });

    it('a duplicate while the first is still running is 409; the first completes and is then replayed', async () => {
      const k = key();
      const input = ep.valid(a);
      faults = holdCompletion(a);
      const first = sendKeyed(ep, a, k, input);
      await vi.waitFor(() => expect(faults!.injected.hang).toBe(1), { timeout: 20_000, interval: 20 });
      const before = await state(a, ep);
      const duplicate = await sendKeyed(ep, a, k, input);
      expectError(ep, duplicate, 409);
      expectUnchanged(before, await state(a, ep));
      faults.release();
      const done = await first;
      expect(done.statusCode).toBeLessThan(300);
      expect(answer(await sendKeyed(ep, a, k, input))).toEqual(answer(done));
    });

    it('a key held by a running invocation answers 409 every time and is not released by the refusals', async () => {
      const k = key();
      const input = ep.valid(a);
      const fingerprint = requestFingerprint(buildEvent(request(ep, a, k, input)));
      expect(await acquireKey(a.tenantId, k, fingerprint, 'another-invocation', 60_000)).toEqual({ kind: 'acquired' });
      const before = await state(a, ep);
      expectError(ep, await sendKeyed(ep, a, k, input), 409);
      expectError(ep, await sendKeyed(ep, a, k, input), 409);
      const { Item } = await db().send(new GetCommand({ TableName: tableName('idempotency'), Key: idempotencyRecordKey(a.tenantId, k) }));
      expect(Item).toMatchObject({ status: 'in_progress', owner: 'another-invocation' });
      expectUnchanged(before, await state(a, ep));
      await releaseKey(a.tenantId, k, 'another-invocation');
      expect((await sendKeyed(ep, a, k, input)).statusCode).toBeLessThan(300);
    });

    it('two tenants may use the same key: each request runs for its own tenant', async () => {
      const k = key();
      const resA = await sendKeyed(ep, a, k);
      const resB = await sendKeyed(ep, b, k);
      expect(resA.statusCode).toBeLessThan(300);
      expect(resB.statusCode).toBeLessThan(300);
      // Each tenant's request took the key itself (a replay of A's answer would have stored nothing for B).
      const owners = [];
      for (const w of [a, b]) {
        const { Item } = await db().send(new GetCommand({ TableName: tableName('idempotency'), Key: idempotencyRecordKey(w.tenantId, k) }));
        expect(Item).toMatchObject({ status: 'completed' });
        owners.push(Item?.owner);
      }
      expect(owners[0]).not.toBe(owners[1]);
      invariant(3);
    });

    it('an invalid key (empty, 256 characters, a control character) is refused in the surface shape, nothing changed', async () => {
      const before = await state(a, ep);
      for (const bad of ['', 'x'.repeat(256), 'tab\there', 'caf\u00e9']) {
        const res = await sendKeyed(ep, a, bad);
        expect(res.statusCode, JSON.stringify(bad)).toBe(ep.surface === 'enrollment' ? 400 : 422);
        expectError(ep, res, res.statusCode);
      }
      expectUnchanged(before, await state(a, ep));
    });
  });
});
