/**
 * The tenants table's one repository: every command on it is sent from here, with the keys
 * of keys.ts. Callers (lib/auth/credentials.ts, lib/admin/tenants.ts, lib/jobs/checkpoint.ts)
 * hold the rules (hashing, caching, rotation, resuming); this module only stores and reads.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { isConditionFailed } from '../db/conditions';
import { scanAll } from '../db/paging';
import type { Item } from '../db/types';
import { tenantsTable as table } from '../db/tables';
import { attemptsKey, checkpointKey, clientKey, credentialKey, sortKeys, tenantKey, type CredentialKind } from './keys';
import type { Key } from '../db/types';

export type { CredentialKind } from './keys';

export interface Tenant {
  id: string;
  name: string;
  currency: string;
}


// ------------------------------------------------------------------ items

export const tenantItem = (tenant: Tenant) => ({ ...tenantKey(tenant.id), ...tenant });

/** `expiresAt` (ms) makes a credential expire; omitted, it never does. */
export const credentialItem = (kind: CredentialKind, hash: string, tenantId: string, expiresAt?: number) => ({
  ...credentialKey(kind, hash),
  kind,
  tenantId,
  ...(expiresAt === undefined ? {} : { ttl: Math.ceil(expiresAt / 1000) }),
});

export const clientItem = (clientId: string, secretHash: string, tenantId: string) => ({
  ...clientKey(clientId),
  tenantId,
  secretHash,
});

// ------------------------------------------------------------------ generic writes

async function get(key: Key, consistent = false): Promise<Item | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: consistent || undefined }));
  return Item;
}

/** Puts (overwrites) an item built above. */
export async function putItem(item: Key & Item): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: item }));
}

/** Puts an item only where none has its key; false when one was there (nothing written). */
export async function insertItem(item: Key & Item): Promise<boolean> {
  try {
    await db().send(new PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

export async function deleteItem(key: Key): Promise<void> {
  await db().send(new DeleteCommand({ TableName: table(), Key: { pk: key.pk, sk: key.sk } }));
}

// ------------------------------------------------------------------ tenants, credentials, clients

export async function getTenant(id: string): Promise<Tenant | undefined> {
  const item = await get(tenantKey(id));
  return item ? { id: String(item.id), name: String(item.name), currency: String(item.currency) } : undefined;
}

/** The tenant a stored credential names, and when it expires (ms), if it does. */
export async function getCredential(kind: CredentialKind, hash: string): Promise<{ tenantId: string; expiresAtMs?: number } | undefined> {
  const item = await get(credentialKey(kind, hash));
  if (!item) return undefined;
  return { tenantId: String(item.tenantId), ...(item.ttl === undefined ? {} : { expiresAtMs: Number(item.ttl) * 1000 }) };
}

export async function getClient(clientId: string): Promise<{ tenantId: string; secretHash: string } | undefined> {
  const item = await get(clientKey(clientId));
  return item ? { tenantId: String(item.tenantId), secretHash: String(item.secretHash) } : undefined;
}

/**
 * The tenant's `inventory`/`units` credentials, or its OAuth clients (`client`). Credentials
 * are keyed by hash, so this is a Scan filtered on tenantId: fine for an admin command on a
 * table of tenants and tokens, never on a request path.
 */
export async function scanTenantItems(tenantId: string, kind: CredentialKind | 'client'): Promise<(Key & Item)[]> {
  const isClient = kind === 'client';
  const items = await scanAll({
    TableName: table(),
    FilterExpression: isClient ? 'tenantId = :t AND sk = :client' : 'tenantId = :t AND sk = :cred AND kind = :kind',
    ExpressionAttributeValues: isClient
      ? { ':t': tenantId, ':client': sortKeys.client }
      : { ':t': tenantId, ':cred': sortKeys.credential, ':kind': kind },
    ConsistentRead: true,
  });
  return items as (Key & Item)[];
}

// ------------------------------------------------------------------ job checkpoints

/** A job's saved position as saved (with its `ttl`, epoch seconds). */
export function getCheckpoint(jobId: string): Promise<Item | undefined> {
  return get(checkpointKey(jobId), true);
}

/** Saves a job's position; it expires (TTL) `keepSeconds` from now. */
export async function putCheckpoint(jobId: string, fields: Item, keepSeconds: number): Promise<void> {
  await putItem({ ...checkpointKey(jobId), ...fields, ttl: Math.ceil(Date.now() / 1000) + keepSeconds });
}

export async function deleteCheckpoint(jobId: string): Promise<void> {
  await deleteItem(checkpointKey(jobId));
}

// ------------------------------------------------------------------ client-secret attempts

/**
 * Takes one of the `limit` client-secret checks a client id may make in the window starting at
 * `windowStartMs` (lib/auth/oauth.ts): false when all are taken. One conditional update, so
 * requests in parallel cannot get past the limit.
 */
export async function takeClientAttempt(clientId: string, windowStartMs: number, windowEndMs: number, limit: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: attemptsKey(clientId, windowStartMs),
        UpdateExpression: 'ADD attempts :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :limit',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': Math.ceil(windowEndMs / 1000) + 60 },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** Gives back the attempt of a check that succeeded: only failures count against the limit. */
export async function returnClientAttempt(clientId: string, windowStartMs: number): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: attemptsKey(clientId, windowStartMs),
        UpdateExpression: 'ADD attempts :minusOne',
        ConditionExpression: 'attempts > :zero',
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}
