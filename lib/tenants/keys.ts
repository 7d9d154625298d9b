/**
 * Keys of the tenants table, built here and nowhere else. The table holds what belongs to no
 * surface: tenants, their credentials and OAuth clients, and job checkpoints. A new kind of
 * item gets its key function and its line below here, and its commands in repository.ts.
 *
 *   TENANT#<id>            / TENANT      id, name, currency
 *   CRED#<kind>#<sha256>   / CRED        kind, tenantId, ttl? (epoch seconds; DynamoDB TTL removes it later)
 *   CLIENT#<client_id>     / CLIENT      tenantId, secretHash
 *   JOB#<id>               / CHECKPOINT  phase, after?, passStartedAt, runs, ttl
 *   ATTEMPTS#<client_id>   / WINDOW#<ms> attempts (client-secret checks in the window from <ms>), ttl
 *
 * Credentials are keyed by the hash of the secret, so no secret is stored or compared as text.
 */
import type { Key } from '../db/types';
export type { Key } from '../db/types';

export type CredentialKind = 'units' | 'inventory' | 'bearer';

export const sortKeys = { tenant: 'TENANT', credential: 'CRED', client: 'CLIENT', checkpoint: 'CHECKPOINT' } as const;

const clientPrefix = 'CLIENT#';

export const tenantKey = (id: string): Key => ({ pk: `TENANT#${id}`, sk: sortKeys.tenant });

export const credentialKey = (kind: CredentialKind, hash: string): Key => ({ pk: `CRED#${kind}#${hash}`, sk: sortKeys.credential });

export const clientKey = (clientId: string): Key => ({ pk: `${clientPrefix}${clientId}`, sk: sortKeys.client });

/** The client id a client item's key names. */
export const clientIdOf = (key: { pk: unknown }): string => String(key.pk).slice(clientPrefix.length);

export const checkpointKey = (jobId: string): Key => ({ pk: `JOB#${jobId}`, sk: sortKeys.checkpoint });

export const attemptsKey = (clientId: string, windowStartMs: number): Key => ({ pk: `ATTEMPTS#${clientId}`, sk: `WINDOW#${windowStartMs}` });
