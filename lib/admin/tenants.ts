/**
 * Provisioning on the tenants table: a new tenant with its credentials, and credential
 * rotation. New secrets come from newSecret (256 bits) and are stored only as SHA-256 hashes
 * (lib/auth/credentials.ts builds every item); the caller shows them once.
 *
 * Credentials are keyed by the hash of the secret, so finding a tenant's current ones to
 * delete them is a Scan of the tenants table filtered on tenantId: fine for an admin command
 * on a table of tenants and tokens.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { clientItem, getTenant, putClient, putCredential, tenantItem, type Tenant } from '../auth/credentials';
import { newSecret } from '../auth/secrets';
import { db } from '../db/client';
import { tableName } from '../db/tables';
import { CliError } from './errors';

export interface NewTenant {
  tenant: Tenant;
  inventoryToken: string;
  unitsToken: string;
  clientId: string;
  clientSecret: string;
}

const conditionFailed = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

async function putNew(Item: Record<string, unknown>, exists: string): Promise<void> {
  try {
    await db().send(new PutCommand({ TableName: tableName('tenants'), Item, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (err) {
    if (conditionFailed(err)) throw new CliError(exists);
    throw err;
  }
}

export async function createTenant(tenant: Tenant): Promise<NewTenant> {
  await putNew(tenantItem(tenant), `tenant ${tenant.id} already exists`);
  const created: NewTenant = {
    tenant,
    inventoryToken: newSecret(),
    unitsToken: newSecret(),
    clientId: `${tenant.id}-${randomBytes(4).toString('hex')}`,
    clientSecret: newSecret(),
  };
  await putNew(clientItem(created.clientId, created.clientSecret, tenant.id), `client id ${created.clientId} is taken; run again`);
  await Promise.all([
    putCredential('inventory', created.inventoryToken, tenant.id),
    putCredential('units', created.unitsToken, tenant.id),
  ]);
  return created;
}

export type RotatedKind = 'inventory' | 'units' | 'client';

/** The tenant's items of a kind: `inventory`/`units` credentials, or OAuth clients. */
async function findItems(tenantId: string, kind: RotatedKind): Promise<Record<string, unknown>[]> {
  const isClient = kind === 'client';
  const pages = paginateScan(
    { client: db() },
    {
      TableName: tableName('tenants'),
      FilterExpression: isClient ? 'tenantId = :t AND sk = :client' : 'tenantId = :t AND sk = :cred AND kind = :kind',
      ExpressionAttributeValues: isClient ? { ':t': tenantId, ':client': 'CLIENT' } : { ':t': tenantId, ':cred': 'CRED', ':kind': kind },
      ConsistentRead: true,
    },
  );
  const items: Record<string, unknown>[] = [];
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

const remove = (item: Record<string, unknown>) =>
  db().send(new DeleteCommand({ TableName: tableName('tenants'), Key: { pk: item.pk, sk: item.sk } }));

export interface Rotated {
  secret: string;
  clientId?: string;
  deleted: number;
}

/** A new secret; the old one stops working (at most 30 s later where a warm Lambda cached it). */
export async function rotateCredential(tenantId: string, kind: RotatedKind, clientId?: string): Promise<Rotated> {
  if (!(await getTenant(tenantId))) throw new CliError(`no tenant ${tenantId}`);
  const old = await findItems(tenantId, kind);
  const secret = newSecret();
  if (kind !== 'client') {
    await putCredential(kind, secret, tenantId);
    await Promise.all(old.map(remove));
    return { secret, deleted: old.length };
  }
  const ids = old.map((item) => String(item.pk).slice('CLIENT#'.length)).sort();
  const id = clientId ?? (ids.length === 1 ? ids[0] : undefined);
  if (ids.length === 0) throw new CliError(`tenant ${tenantId} has no OAuth client`);
  if (!id) throw new CliError(`tenant ${tenantId} has ${ids.length} OAuth clients (${ids.join(', ')}): name one with --client`);
  if (!ids.includes(id)) throw new CliError(`tenant ${tenantId} has no OAuth client ${id}`);
  await putClient(id, secret, tenantId); // same key: the old secret's hash is overwritten
  return { secret, clientId: id, deleted: 1 };
}
