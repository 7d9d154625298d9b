/**
 * Provisioning on the tenants table: a new tenant with its credentials, and credential
 * rotation. New secrets come from newSecret (256 bits) and are stored only as SHA-256 hashes
 * (lib/auth/credentials.ts builds every item); the caller shows them once. Finding a
 * tenant's current credentials to delete them is a Scan (lib/tenants/repository.ts).
 */
import { randomBytes } from 'node:crypto';
import { clientItem, getTenant, putClient, putCredential, tenantItem, type Tenant } from '../auth/credentials';
import { newSecret } from '../auth/secrets';
import { clientIdOf } from '../tenants/keys';
import { deleteItem, insertItem, scanTenantItems } from '../tenants/repository';
import { CliError } from './errors';

export interface NewTenant {
  tenant: Tenant;
  inventoryToken: string;
  unitsToken: string;
  clientId: string;
  clientSecret: string;
}

async function putNew(item: Parameters<typeof insertItem>[0], exists: string): Promise<void> {
  if (!(await insertItem(item))) throw new CliError(exists);
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

export interface Rotated {
  secret: string;
  clientId?: string;
  deleted: number;
}

/** A new secret; the old one stops working (at most 30 s later where a warm Lambda cached it). */
export async function rotateCredential(tenantId: string, kind: RotatedKind, clientId?: string): Promise<Rotated> {
  if (!(await getTenant(tenantId))) throw new CliError(`no tenant ${tenantId}`);
  const old = await scanTenantItems(tenantId, kind);
  const secret = newSecret();
  if (kind !== 'client') {
    await putCredential(kind, secret, tenantId);
    await Promise.all(old.map(deleteItem));
    return { secret, deleted: old.length };
  }
  const ids = old.map(clientIdOf).sort();
  const id = clientId ?? (ids.length === 1 ? ids[0] : undefined);
  if (ids.length === 0) throw new CliError(`tenant ${tenantId} has no OAuth client`);
  if (!id) throw new CliError(`tenant ${tenantId} has ${ids.length} OAuth clients (${ids.join(', ')}): name one with --client`);
  if (!ids.includes(id)) throw new CliError(`tenant ${tenantId} has no OAuth client ${id}`);
  await putClient(id, secret, tenantId); // same key: the old secret's hash is overwritten
  return { secret, clientId: id, deleted: 1 };
}
