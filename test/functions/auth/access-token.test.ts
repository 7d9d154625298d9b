import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/auth/access-token';
import { findTenantByCredential, putClient } from '../../../lib/auth/credentials';
import { hashSecret } from '../../../lib/auth/secrets';
import { db } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import { call } from '../../helpers/http';

const clientId = `client-${randomUUID()}`;
const secret = 's3cret-value';
const tenantId = `t-${randomUUID().slice(0, 8)}`;
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

beforeAll(() => putClient(clientId, secret, tenantId));

function requestToken(body: string, headers: Record<string, string> = form) {
  return call(handler, { method: 'POST', path: '/oauth2/access_token', headers, body });
}

describe('POST /oauth2/access_token', () => {
  it('issues a bearer token for client credentials sent as a form', async () => {
    const res = await requestToken(`grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`);
    expect(res.statusCode).toBe(200);
    const body = res.json as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 36000, scope: 'read write' });
    const token = body.access_token as string;
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16); // >= 128 bits
    expect(await findTenantByCredential('bearer', token)).toBe(tenantId);
    expect(res.headers['Cache-Control']).toBe('no-store');
  });

  it('accepts JSON and HTTP Basic client authentication', async () => {
    const json = await call(handler, {
      method: 'POST',
      path: '/oauth2/access_token',
      body: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
    });
    expect(json.statusCode).toBe(200);
    const basic = await requestToken('grant_type=client_credentials', {
      ...form,
      Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    });
    expect(basic.statusCode).toBe(200);
  });

  it('stores only the hash of an issued token, with an expiry', async () => {
    const res = await requestToken(`grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`);
    const token = (res.json as { access_token: string }).access_token;
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName('tenants'), Key: { pk: `CRED#bearer#${hashSecret(token)}`, sk: 'CRED' } }),
    );
    expect(JSON.stringify(Item)).not.toContain(token);
    const ttl = Number(Item?.ttl);
    const expected = Date.now() / 1000 + 36000;
    expect(Math.abs(ttl - expected)).toBeLessThan(120);
  });

  it('answers RFC 6749 errors', async () => {
    const wrongSecret = await requestToken(`grant_type=client_credentials&client_id=${clientId}&client_secret=nope`);
    expect(wrongSecret.statusCode).toBe(401);
    expect(wrongSecret.json).toMatchObject({ error: 'invalid_client' });
    const unknownClient = await requestToken('grant_type=client_credentials&client_id=nobody&client_secret=x');
    expect(unknownClient.statusCode).toBe(401);
    expect(unknownClient.json).toMatchObject({ error: 'invalid_client' });
    const grant = await requestToken(`grant_type=password&client_id=${clientId}&client_secret=${secret}`);
    expect(grant.statusCode).toBe(400);
    expect(grant.json).toMatchObject({ error: 'unsupported_grant_type' });
    const missing = await requestToken(`grant_type=client_credentials&client_id=${clientId}`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json).toMatchObject({ error: 'invalid_request' });
  });

  it('issues a token for the demo client', async () => {
    const res = await requestToken('client_id=demo-client&client_secret=demo-secret&grant_type=client_credentials');
    expect(res.statusCode).toBe(200);
    expect(await findTenantByCredential('bearer', (res.json as { access_token: string }).access_token)).toBe('demo');
  });
});

describe('expired bearer tokens', () => {
  it('are not accepted', async () => {
    const { putCredential } = await import('../../../lib/auth/credentials');
    await putCredential('bearer', 'expired-token-x', tenantId, Date.now() - 1000);
    expect(await findTenantByCredential('bearer', 'expired-token-x')).toBeUndefined();
  });
});
