/**
 * The tenants table: tenants, credentials and OAuth clients. Only this module knows its keys.
 *
 *   TENANT#<id>            / TENANT      name, currency
 *   CRED#<kind>#<sha256>   / CRED        tenantId, ttl? (epoch seconds; DynamoDB TTL removes it later)
 *   CLIENT#<client_id>     / CLIENT      tenantId, secretHash
 *   ATTEMPTS#<client_id>   / WINDOW#<ms> attempts (client-secret checks in that window), ttl
 *
 * A credential is found by the hash of what was presented, so no secret is stored or compared
 * as plain text. Successful lookups are cached for a short time per warm Lambda.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { tableName } from '../db/tables';
import { hashSecret } from './secrets';

export type CredentialKind = 'units' | 'inventory' | 'bearer';

export interface Tenant {
  id: string;
  name: string;
  currency: string;
}

const cacheMs = 30_000;
const cacheLimit = 1000;
const cache = new Map<string, { tenantId: string; expiresAtMs?: number; cachedAtMs: number }>();

const credentialKey = (kind: CredentialKind, hash: string) => ({ pk: `CRED#${kind}#${hash}`, sk: 'CRED' });

export const tenantItem = (tenant: Tenant) => ({ pk: `TENANT#${tenant.id}`, sk: 'TENANT', ...tenant });

/** `expiresAt` (ms) makes a credential expire; omitted, it never does. */
export const credentialItem = (kind: CredentialKind, secret: string, tenantId: string, expiresAt?: number) => ({
  ...credentialKey(kind, hashSecret(secret)),
  kind,
  tenantId,
  ...(expiresAt === undefined ? {} : { ttl: Math.ceil(expiresAt / 1000) }),
});

export const clientItem = (clientId: string, secret: string, tenantId: string) => ({
  pk: `CLIENT#${clientId}`,
  sk: 'CLIENT',
  tenantId,
  secretHash: hashSecret(secret),
});

export async function putTenant(tenant: Tenant): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName('tenants'), Item: tenantItem(tenant) }));
}

export async function getTenant(id: string): Promise<Tenant | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName('tenants'), Key: { pk: `TENANT#${id}`, sk: 'TENANT' } }),
  );
  return Item ? { id: String(Item.id), name: String(Item.name), currency: String(Item.currency) } : undefined;
}

/** Stores a credential by its hash. */
export async function putCredential(
  kind: CredentialKind,
  secret: string,
  tenantId: string,
  expiresAt?: number,
): Promise<void> {
  await db().send(
    new PutCommand({ TableName: tableName('tenants'), Item: credentialItem(kind, secret, tenantId, expiresAt) }),
  );
}

/** The tenant a credential belongs to, or undefined when unknown or expired. */
export async function findTenantByCredential(kind: CredentialKind, secret: string): Promise<string | undefined> {
  const hash = hashSecret(secret);
  const cacheKey = `${kind}#${hash}`;
  const now = Date.now();
  const hit = cache.get(cacheKey);
  if (hit && now - hit.cachedAtMs < cacheMs && (hit.expiresAtMs === undefined || hit.expiresAtMs > now)) {
    return hit.tenantId;
  }
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName('tenants'), Key: credentialKey(kind, hash) }),
  );
  if (!Item) return undefined;
  // TTL deletion is lazy (up to days), so expiry is checked here too.
  const expiresAtMs = Item.ttl === undefined ? undefined : Number(Item.ttl) * 1000;
  if (expiresAtMs !== undefined && expiresAtMs <= now) return undefined;
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(cacheKey, { tenantId: String(Item.tenantId), expiresAtMs, cachedAtMs: now });
  return String(Item.tenantId);
}

/** Forgets cached lookups (credential rotation in the same process, tests). */
export function clearCredentialCache(): void {
  cache.clear();
}

export async function putClient(clientId: string, secret: string, tenantId: string): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName('tenants'), Item: clientItem(clientId, secret, tenantId) }));
}

export async function findClient(clientId: string): Promise<{ tenantId: string; secretHash: string } | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName('tenants'), Key: { pk: `CLIENT#${clientId}`, sk: 'CLIENT' } }),
  );
  return Item ? { tenantId: String(Item.tenantId), secretHash: String(Item.secretHash) } : undefined;
}

const attemptsKey = (clientId: string, windowStartMs: number) => ({ pk: `ATTEMPTS#${clientId}`, sk: `WINDOW#${windowStartMs}` });

/**
 * Takes one of the `limit` client-secret checks a client id may make in the window starting at
 * `windowStartMs`: false when all are taken. Taken before the secret is checked, in one
 * conditional update, so requests in parallel cannot get past the limit.
 */
export async function takeClientAttempt(clientId: string, windowStartMs: number, windowEndMs: number, limit: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName('tenants'),
        Key: attemptsKey(clientId, windowStartMs),
        UpdateExpression: 'ADD attempts :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :limit',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': Math.ceil(windowEndMs / 1000) + 60 },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Gives back the attempt of a check that succeeded: only failures count against the limit. */
export async function returnClientAttempt(clientId: string, windowStartMs: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName('tenants'),
      Key: attemptsKey(clientId, windowStartMs),
      UpdateExpression: 'ADD attempts :minusOne',
      ConditionExpression: 'attempts > :zero',
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    }),
  ).catch((err: unknown) => {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  });
}
