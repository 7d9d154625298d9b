/**
 * The auth matrix: every HTTP function of serverless.yml x {no credential, malformed,
 * unknown, expired bearer token, another tenant's credential}. The first four are 401 with
 * the surface's exact body on every route of the function; the fifth is answered exactly like
 * a missing resource (or shows only the caller's own data). No case changes any stored item
 * of either tenant (snapshots before and after each case), except that a create sent with the
 * second tenant's credential creates in that tenant (`createsInCaller`). A function serverless.yml declares
 * without an entry in support/endpoints.ts fails the first test.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as accessToken } from '../../functions/auth/access-token';
import { clearCredentialCache, putClient, putCredential } from '../../lib/auth/credentials';
import { listFunctions } from '../../scripts/functions';
import type { Response } from '../helpers/http';
import { invariant, reportCounts } from './support/counts';
import {
  credentialFor,
  loadEndpoints,
  requestFor,
  send,
  sendValid,
  tokenOf,
  unauthenticatedFunctions,
  type Endpoint,
  type Surface,
} from './support/endpoints';
import { changes, snapshot, type Snapshot } from './support/snapshot';
import { world, type World } from './support/world';

reportCounts('auth-matrix');

const { endpoints, missing, stale } = await loadEndpoints();

let a: World;
let b: World;
/** Tenant A's credentials that have expired: a bearer token, and one of each other kind. */
const expired = { bearer: `expired-bearer-${randomUUID()}`, units: `expired-units-${randomUUID()}`, inventory: `expired-inv-${randomUUID()}` };

beforeAll(async () => {
  [a, b] = await Promise.all([
    world('auth-a', { partId: 11 }),
    // B has its own units courses, logins 1-5 (A has 1-20), enrollment course, part 22 and location 5,
    // but no inventory unit and no code.
    world('auth-b', { partId: 22, locationId: 5, logins: 5, inventoryUnits: 0, codes: 0 }),
  ]);
  const past = Date.now() - 60_000;
  await Promise.all([
    putCredential('bearer', expired.bearer, a.tenantId, past),
    putCredential('units', expired.units, a.tenantId, past),
    putCredential('inventory', expired.inventory, a.tenantId, past),
  ]);
});

type Refusal = 'none' | 'malformed' | 'unknown' | 'expired';

/** The credentials (raw header value or path segment) each refusal case sends on a surface. */
function credentials(surface: Surface, refusal: Refusal): (string | undefined)[] {
  const long = 'x'.repeat(600);
  switch (refusal) {
    case 'none':
      return [undefined];
    case 'malformed':
      return {
        units: [`Token token="${long}"`, 'Token token="unterminated', 'Token \u0000\u0007', 'Basic dXNlcjpwYXNz'],
        inventory: [long, '%00%07', 'a%20b%22c'],
        enrollment: [`Bearer ${long}`, 'Bearer two words', 'Bearer \u0000\u0007'],
      }[surface];
    case 'unknown':
      // A random token, and tenant A's credential of another kind (kinds never stand in for each other).
      return {
        units: [credentialFor('units', randomUUID()), credentialFor('units', a.bearerToken)],
        inventory: [credentialFor('inventory', randomUUID()), credentialFor('inventory', a.unitsToken)],
        enrollment: [credentialFor('enrollment', randomUUID()), credentialFor('enrollment', a.inventoryToken)],
      }[surface];
    case 'expired':
      // An expired bearer token wherever the surface takes its credential; units and inventory
      // also get an expired credential of their own kind.
      return {
        units: [`Bearer ${expired.bearer}`, credentialFor('units', expired.bearer), credentialFor('units', expired.units)],
        inventory: [credentialFor('inventory', expired.bearer), credentialFor('inventory', expired.inventory)],
        enrollment: [credentialFor('enrollment', expired.bearer)],
      }[surface];
  }
}

/** The surface's exact 401 (SPEC section 3), in JSON or, on a `.xml` route, XML. */
function expectRefused(surface: Surface, route: string, res: Response, reason: 'missing' | 'invalid') {
  expect(res.statusCode).toBe(401);
  const xml = route.endsWith('.xml');
  if (surface === 'units') {
    expect(res.headers['WWW-Authenticate']).toBe('Token realm="Application"');
    expect(res.headers['Content-Type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('HTTP Token: Access denied.\n');
    return;
  }
  const message =
    surface === 'inventory'
      ? 'Invalid API token'
      : reason === 'missing'
        ? 'Authentication credentials were not provided.'
        : 'Invalid Token.';
  if (xml) {
    expect(res.headers['Content-Type']).toMatch(/^application\/xml/);
    expect(res.body).toContain(`<error>${message}</error>`);
  } else if (surface === 'inventory') {
    expect(res.json).toEqual({ errors: [message] });
  } else {
    expect(res.json).toEqual({ detail: message });
  }
}

/**
 * Both tenants' items in the endpoint's own table (its handlers know no other keys), compared
 * with the previous reading: each test of an endpoint checks that it changed nothing.
 */
function tracker(ep: Endpoint) {
  const read = () => Promise.all([snapshot(a, {}, [ep.surface]), snapshot(b, {}, [ep.surface])]);
  let last: Snapshot[] = [];
  return {
    start: async () => {
      last = await read();
    },
    expectUnchanged: async (callerMayCreate = false) => {
      const now = await read();
      expect(changes(last[0]!, now[0]!)).toEqual([]);
      if (callerMayCreate) expect(changes(last[1]!, now[1]!).every((c) => !c.startsWith('removed'))).toBe(true);
      else expect(changes(last[1]!, now[1]!)).toEqual([]);
      invariant(2);
      last = now;
    },
  };
}

describe('the matrix covers every endpoint', () => {
  it('every HTTP function in serverless.yml has a matrix entry, and every entry a function', () => {
    expect(missing).toEqual([]);
    expect(stale).toEqual([]);
    expect(endpoints.length).toBeGreaterThanOrEqual(15);
    // The only HTTP functions without a tenant credential: the token endpoint and the API's description.
    const open = listFunctions().filter((f) => f.routes.length > 0 && !endpoints.some((e) => e.name === f.name));
    expect(open.map((f) => f.name)).toEqual(unauthenticatedFunctions);
    invariant();
  });
});

describe.each(endpoints.map((ep) => [ep.name, ep] as [string, Endpoint]))('%s', (_name, ep) => {
  const stored = tracker(ep);
  beforeAll(() => stored.start());
  const refusals: [Refusal, 'missing' | 'invalid'][] = [
    ['none', 'missing'],
    ['malformed', 'invalid'],
    ['unknown', 'invalid'],
    ['expired', 'invalid'],
  ];

  it.each(refusals)('%s credential: 401 with the surface body, nothing changed', async (refusal, reason) => {
    clearCredentialCache(); // every lookup goes to the table
    // Without a credential nothing is looked up: every route. Otherwise the first route and
    // the `.xml` one (the XML error body), which reach the same function.
    const routes = refusal === 'none' ? ep.routes : ep.routes.filter((r, i) => i === 0 || r.endsWith('.xml'));
    for (const route of routes) {
      for (const credential of credentials(ep.surface, refusal)) {
        const res = await send(ep.handler, requestFor(ep, route, credential, ep.valid(a)));
        expectRefused(ep.surface, route, res, reason);
        invariant();
      }
    }
    await stored.expectUnchanged();
  });

  it("another tenant's credential: answered as not found (or only its own data), nothing changed", async () => {
    const { expect: check, ...input } = ep.crossTenant(a, b);
    const res = await send(ep.handler, requestFor(ep, ep.routes[0]!, credentialFor(ep.surface, tokenOf(ep.surface, b)), input));
    check(res);
    invariant();
    await stored.expectUnchanged(ep.createsInCaller);
  });

  it("control: the tenant's own credential with the same request is accepted", async () => {
    const res = await sendValid(ep, a);
    expect(res.statusCode, res.body).toBeLessThan(300);
  });
});

describe('POST /oauth2/access_token (the one unauthenticated endpoint)', () => {
  const clientId = `rel-client-${randomUUID()}`;
  const secret = `rel-secret-${randomUUID()}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const request = (body: string, headers: Record<string, string> = form) =>
    send(accessToken, { method: 'POST', path: '/oauth2/access_token', headers, body });
  const invalidClient = { error: 'invalid_client', error_description: 'Client authentication failed.' };

  beforeAll(() => putClient(clientId, secret, a.tenantId));

  it('a wrong secret, an unknown client or a wrong Basic password: 401 invalid_client, no token', async () => {
    const basic = (id: string, pw: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${pw}`).toString('base64')}`, ...form });
    const refused = [
      await request(`grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}x`),
      await request(`grant_type=client_credentials&client_id=${clientId}&client_secret=${secret.slice(0, -1)}`),
      await request(`grant_type=client_credentials&client_id=nobody-${randomUUID()}&client_secret=${secret}`),
      await request('grant_type=client_credentials', basic(clientId, 'wrong')),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(401);
      expect(res.json).toEqual(invalidClient);
      invariant();
    }
    const ok = await request(`grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`);
    expect(ok.statusCode).toBe(200);
    // The issued token works for its tenant only: A's code, not B's course.
    const token = (ok.json as { access_token: string }).access_token;
    const asIssued = endpoints.find((e) => e.name === 'listEnrollmentCodes')!;
    const own = await send(asIssued.handler, requestFor(asIssued, asIssued.routes[0]!, `Bearer ${token}`, asIssued.valid(a)));
    expect(own.statusCode).toBe(200);
    const other = await send(asIssued.handler, requestFor(asIssued, asIssued.routes[0]!, `Bearer ${token}`, asIssued.valid(b)));
    expect(other.json).toEqual({ success: 'false', reason: 'Course not found.' });
    invariant(2);
  });
});
