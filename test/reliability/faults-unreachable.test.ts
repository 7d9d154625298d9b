/**
 * DynamoDB unreachable: the process's client is pointed at a closed port (DYNAMODB_ENDPOINT +
 * resetDb(); in its own file because vitest runs each file in its own process). Every endpoint
 * answers 503 with Retry-After in its surface's body, whether the credential was cached or
 * has to be looked up (never a 401 or 500); the token endpoint answers 503
 * `temporarily_unavailable`. When the database is back nothing was written, and each write
 * retried then happens exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as accessToken } from '../../functions/auth/access-token';
import { clearCredentialCache, putClient } from '../../lib/auth/credentials';
import { resetDb } from '../../lib/db/client';
import { freePort } from '../../scripts/dynamodb-local';
import type { Response } from '../helpers/http';
import { invariant, reportCounts } from './support/counts';
import { loadEndpoints, send, sendValid, type Endpoint } from './support/endpoints';
import { changes, snapshot, type Snapshot } from './support/snapshot';
import { enrollmentState, inventoryState, unitsState } from './support/state';
import { world, type World } from './support/world';

reportCounts('faults-unreachable');

const { endpoints } = await loadEndpoints();
const busy = 'Service temporarily unavailable, please retry';
const realEndpoint = process.env.DYNAMODB_ENDPOINT!;
const client = { id: `unreach-${Date.now()}`, secret: 'unreachable-secret' };

let w: World;
let before: Snapshot;

function down(port: number) {
  process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${port}`;
  resetDb();
}
function up() {
  process.env.DYNAMODB_ENDPOINT = realEndpoint;
  resetDb();
}

beforeAll(async () => {
  w = await world('unreach', { codes: 3 });
  await putClient(client.id, client.secret, w.tenantId);
  // Warm the credential cache of every surface, as a warm Lambda would have it.
  for (const name of ['listInventories', 'showInventoryUnit', 'listEnrollmentCodes']) {
    expect((await sendValid(endpoints.find((e) => e.name === name)!, w)).statusCode).toBe(200);
  }
  before = await snapshot(w);
  down(await freePort());
});
afterAll(up);

function expectUnavailable(ep: Endpoint, res: Response) {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['Retry-After']).toBe('1');
  const body = { units: { errors: busy }, inventory: { errors: [busy] }, enrollment: { success: 'false', reason: busy } }[ep.surface];
  expect(res.json).toEqual(body);
  invariant();
}

describe('DynamoDB unreachable', () => {
  it.each(endpoints.map((ep) => [ep.name, ep] as [string, Endpoint]))('%s: 503 + Retry-After in the surface body', async (_n, ep) => {
    expectUnavailable(ep, await sendValid(ep, w));
  });

  it('a credential that must be looked up: 503, never 401', async () => {
    clearCredentialCache();
    for (const ep of endpoints.filter((e) => ['assignUnits', 'createInventoryUnit', 'generateEnrollmentCodes'].includes(e.name))) {
      expectUnavailable(ep, await sendValid(ep, w));
    }
  });

  it('the token endpoint: 503 temporarily_unavailable', async () => {
    const res = await send(accessToken, {
      method: 'POST',
      path: '/oauth2/access_token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${client.id}&client_secret=${client.secret}`,
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBe('1');
    expect(res.json).toEqual({ error: 'temporarily_unavailable', error_description: busy });
    invariant();
  });

  it('back up: nothing was written, and each write retried happens exactly once', async () => {
    up();
    expect(changes(before, await snapshot(w))).toEqual([]);
    invariant();
    const byName = (name: string) => endpoints.find((e) => e.name === name)!;

    // assign_units: RA (cost 1) to logins 1 and 2, charged once.
    expect((await sendValid(byName('assignUnits'), w)).statusCode).toBe(200);
    const units = await unitsState(w);
    expect(units.account.unitsAvailable).toBe(w.units.balance - 2);
    expect(units.items).toHaveLength(2);
    // enroll: the code redeemed once.
    expect((await sendValid(byName('enrollUserWithCode'), w)).statusCode).toBe(200);
    expect(await enrollmentState(w, w.enrollment.codes[0]!)).toMatchObject({ status: 'redeemed', counter: 1, enrollments: 1 });
    // adjust by +1: applied and logged once.
    expect((await sendValid(byName('adjustInventoryUnitQuantity'), w)).statusCode).toBe(200);
    const inventory = await inventoryState(w);
    expect(inventory.units[0]!.quantity).toBe('101');
    expect(inventory.logs[0]!.map((r) => r.record_type)).toEqual(['create', 'adjust']);
    invariant(3);
  });
});
