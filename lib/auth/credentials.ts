/**
 * Tenants, credentials and OAuth clients as the rest of Allot uses them: secrets in, hashes
 * stored (lib/tenants/repository.ts stores and reads; lib/tenants/keys.ts lists the items).
 * A credential is found by the hash of what was presented, so no secret is stored or compared
 * as plain text. Successful lookups are cached for a short time per warm Lambda.
 */
import * as tenants from '../tenants/repository';
import type { CredentialKind, Tenant } from '../tenants/repository';
import { warmCache } from '../warm-cache';
import { hashSecret } from './secrets';

export type { CredentialKind, Tenant } from '../tenants/repository';
export { getTenant, tenantItem } from '../tenants/repository';

const cache = warmCache<{ tenantId: string; expiresAtMs?: number }>({ ttlMs: 30_000 });

/** `expiresAt` (ms) makes a credential expire; omitted, it never does. */
export const credentialItem = (kind: CredentialKind, secret: string, tenantId: string, expiresAt?: number) =>
  tenants.credentialItem(kind, hashSecret(secret), tenantId, expiresAt);

export const clientItem = (clientId: string, secret: string, tenantId: string) =>
  tenants.clientItem(clientId, hashSecret(secret), tenantId);

export async function putTenant(tenant: Tenant): Promise<void> {
  await tenants.putItem(tenants.tenantItem(tenant));
}

/** Stores a credential by its hash. */
export async function putCredential(kind: CredentialKind, secret: string, tenantId: string, expiresAt?: number): Promise<void> {
  await tenants.putItem(credentialItem(kind, secret, tenantId, expiresAt));
}

/** The tenant a credential belongs to, or undefined when unknown or expired. */
export async function findTenantByCredential(kind: CredentialKind, secret: string): Promise<string | undefined> {
  const hash = hashSecret(secret);
  const cacheKey = `${kind}#${hash}`;
  const now = Date.now();
  const hit = cache.get(cacheKey, now);
  if (hit && (hit.expiresAtMs === undefined || hit.expiresAtMs > now)) return hit.tenantId;
  const found = await tenants.getCredential(kind, hash);
  if (!found) return undefined;
  // TTL deletion is lazy (up to days), so expiry is checked here too.
  if (found.expiresAtMs !== undefined && found.expiresAtMs <= now) return undefined;
  cache.set(cacheKey, { tenantId: found.tenantId, expiresAtMs: found.expiresAtMs }, now);
  return found.tenantId;
}

/** Forgets cached lookups (credential rotation in the same process, tests). */
export function clearCredentialCache(): void {
  cache.clear();
}

export async function putClient(clientId: string, secret: string, tenantId: string): Promise<void> {
  await tenants.putItem(clientItem(clientId, secret, tenantId));
}

export async function findClient(clientId: string): Promise<{ tenantId: string; secretHash: string } | undefined> {
  return tenants.getClient(clientId);
}
