/**
 * Secrets (SPEC section 4): tokens and client secrets are stored only as SHA-256 hashes, and a
 * wrong token's answer cannot depend on how much of it is right. Proved by construction, never
 * by timing: the raw tenants table holds no secret; a credential lookup is one GetItem whose
 * key is the hash of what was presented (DynamoDB compares hashes, which share nothing with the
 * secret's prefix); a client secret is checked with crypto.timingSafeEqual over two 32-byte
 * digests, also when the client id is unknown (a decoy hash). Request logs carry no token.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueAccessToken } from '../../lib/auth/oauth';
import { clearCredentialCache, findTenantByCredential, putClient, type CredentialKind } from '../../lib/auth/credentials';
import { hashSecret, matchesHash } from '../../lib/auth/secrets';
import { rawDb } from '../../lib/db/client';
import { tableName } from '../../lib/db/tables';
import { AuthError } from '../../lib/errors';
import { setLogSink, type LogLine } from '../../lib/log';
import { handler as accessToken } from '../../functions/auth/access-token';
import { invariant, reportCounts } from './support/counts';
import { credentialFor, loadEndpoints, requestFor, send } from './support/endpoints';
import { injectFaults, type Attempt, type Injector } from './support/faults';
import { world, type World } from './support/world';

// timingSafeEqual, observed (the real one still does the comparing).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const { timingSafeEqual } = await import('node:crypto');

reportCounts('secrets');

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** SPEC section 6: every secret of the demo data. */
const demoSecrets: [CredentialKind | 'client', string, string][] = [
  ['inventory', 'oid3vLgynoy_Yl1gZkrgkLEq3J', 'demo'],
  ['units', 'demo-ll-token', 'demo'],
  ['bearer', 'cbf6a5de322cf6a4323c957a882xy1s321c954b86', 'demo'],
  ['client', 'demo-secret', 'demo'],
  ['inventory', 'other-inventory-token', 'other'],
  ['units', 'other-ll-token', 'other'],
  ['bearer', 'other-bearer-token', 'other'],
];

let w: World;
const client = { id: `secrets-${randomUUID()}`, secret: `s-${randomUUID()}` };
let issued: string;
let capture: Injector | undefined;

beforeAll(async () => {
  w = await world('secrets', { inventoryUnits: 1, codes: 1 });
  await putClient(client.id, client.secret, w.tenantId);
  issued = (await issueAccessToken({ grantType: 'client_credentials', clientId: client.id, clientSecret: client.secret })).access_token;
});
afterEach(() => {
  capture?.remove();
  capture = undefined;
  vi.mocked(timingSafeEqual).mockClear();
});

async function rawItems(): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await rawDb().send(new ScanCommand({ TableName: tableName('tenants'), ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('stored secrets', () => {
  it('the raw tenants table holds no secret in any attribute: demo, test tenants, client secrets, issued tokens', async () => {
    const secrets = [...demoSecrets.map(([, s]) => s), w.unitsToken, w.inventoryToken, w.bearerToken, client.secret, issued];
    const items = await rawItems();
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) {
      const text = JSON.stringify(item);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    invariant(items.length);
  });

  it('each demo credential is keyed by the SHA-256 of its secret, and nothing by the secret itself', async () => {
    for (const [kind, secret, tenant] of demoSecrets) {
      const pk = kind === 'client' ? 'CLIENT#demo-client' : `CRED#${kind}#${sha256(secret)}`;
      const { Item } = await rawDb().send(new GetItemCommand({ TableName: tableName('tenants'), Key: { pk: { S: pk }, sk: { S: kind === 'client' ? 'CLIENT' : 'CRED' } } }));
      expect(Item?.tenantId?.S).toBe(tenant);
      if (kind === 'client') expect(Item?.secretHash?.S).toBe(sha256(secret));
      const plain = await rawDb().send(new GetItemCommand({ TableName: tableName('tenants'), Key: { pk: { S: `CRED#${kind}#${secret}` }, sk: { S: 'CRED' } } }));
      expect(plain.Item).toBeUndefined();
      invariant();
    }
    expect(hashSecret('abc')).toBe(sha256('abc'));
  });
});

describe('lookups by hash', () => {
  /** Records every DynamoDB request of the process (nothing is injected). */
  function record(): Omit<Attempt, 'call'>[] {
    const seen: Omit<Attempt, 'call'>[] = [];
    capture = injectFaults({
      select: (a) => {
        seen.push(a);
        return false;
      },
      fault: () => undefined,
    });
    return seen;
  }

  it('a presented token is looked up by one GetItem keyed by its SHA-256, whatever part of it is right', async () => {
    const token = w.inventoryToken;
    // Near misses: every proper prefix, the token with its last character changed, and longer.
    const nearMisses = [...Array.from({ length: token.length }, (_, i) => token.slice(0, i)).filter(Boolean), `${token.slice(0, -1)}X`, `${token}X`];
    for (const presented of [token, ...nearMisses]) {
      clearCredentialCache();
      const seen = record();
      const tenant = await findTenantByCredential('inventory', presented);
      expect(tenant).toBe(presented === token ? w.tenantId : undefined);
      expect(seen.map((a) => a.command)).toEqual(['GetItemCommand']);
      expect(seen[0]!.input.Key).toEqual({ pk: { S: `CRED#inventory#${sha256(presented)}` }, sk: { S: 'CRED' } });
      // (Prefixes shorter than 8 characters may occur in any text by chance.)
      if (presented.length >= 8) expect(JSON.stringify(seen[0]!.input)).not.toContain(presented);
      capture!.remove();
      invariant();
    }
  });

  it('through the handlers, every surface sends only the hash of a wrong token to the database', async () => {
    const { endpoints } = await loadEndpoints();
    for (const name of ['listInventories', 'showInventoryUnit', 'listEnrollmentCodes']) {
      const ep = endpoints.find((e) => e.name === name)!;
      const wrong = `wrong-${randomUUID()}`;
      clearCredentialCache();
      const seen = record();
      const res = await send(ep.handler, requestFor(ep, ep.routes[0]!, credentialFor(ep.surface, wrong), ep.valid(w)));
      expect(res.statusCode).toBe(401);
      const kind = { units: 'units', inventory: 'inventory', enrollment: 'bearer' }[ep.surface];
      expect(seen.map((a) => a.input.Key)).toEqual([{ pk: { S: `CRED#${kind}#${sha256(wrong)}` }, sk: { S: 'CRED' } }]);
      expect(JSON.stringify(seen)).not.toContain(wrong);
      capture!.remove();
      invariant();
    }
  });
});

describe('client secret comparison', () => {
  it('matchesHash compares two 32-byte digests with crypto.timingSafeEqual, for right and near-miss secrets alike', () => {
    const secret = client.secret;
    const stored = hashSecret(secret);
    const candidates = [secret, secret.slice(0, -1), `${secret}x`, `x${secret.slice(1)}`, '', secret.slice(0, 8)];
    for (const candidate of candidates) {
      vi.mocked(timingSafeEqual).mockClear();
      expect(matchesHash(candidate, stored)).toBe(candidate === secret);
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [a, b] = vi.mocked(timingSafeEqual).mock.calls[0]! as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
      invariant();
    }
  });

  it('the token endpoint takes the same path for an unknown client and a wrong secret: one timingSafeEqual, then invalid_client', async () => {
    for (const [clientId, clientSecret] of [[client.id, `${client.secret}x`], [`nobody-${randomUUID()}`, client.secret]] as const) {
      vi.mocked(timingSafeEqual).mockClear();
      await expect(issueAccessToken({ grantType: 'client_credentials', clientId, clientSecret })).rejects.toBeInstanceOf(AuthError);
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      invariant();
    }
  });
});

describe('request logs', () => {
  it('never carry a token or a client secret, accepted or refused', async () => {
    const lines: LogLine[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      const { endpoints } = await loadEndpoints();
      for (const ep of endpoints) {
        const token = { units: w.unitsToken, inventory: w.inventoryToken, enrollment: w.bearerToken }[ep.surface];
        await send(ep.handler, requestFor(ep, ep.routes[0]!, credentialFor(ep.surface, token), ep.valid(w)));
        await send(ep.handler, requestFor(ep, ep.routes[0]!, credentialFor(ep.surface, `${token}-wrong`), ep.valid(w)));
      }
      await send(accessToken, {
        method: 'POST',
        path: '/oauth2/access_token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${client.id}&client_secret=${client.secret}`,
      });
    } finally {
      restore();
    }
    expect(lines.length).toBeGreaterThanOrEqual(31);
    const text = JSON.stringify(lines);
    for (const secret of [w.unitsToken, w.inventoryToken, w.bearerToken, client.secret]) expect(text).not.toContain(secret);
    invariant(lines.length);
  });
});
