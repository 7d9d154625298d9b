/**
 * The idempotency table's commands: each tenant's Idempotency-Keys and the first answer to each
 * (SPEC section 3, "Retries"; the layout is in keys.ts).
 *
 * Hand-written rather than Powertools' idempotency utility: docs/RELIABILITY.md, "Retries".
 * The record is a claim of lib/db/claim.ts (take if absent, lapsed or expired; complete and
 * release by owner), so an invocation only ever completes or releases the record it acquired
 * itself.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { complete, releaseByDelete, take, type ClaimRef } from '../db/claim';
import { db } from '../db/client';
import { ChangedMeanwhile } from '../db/refusals';
import { withRetry } from '../db/retry';
import { tableName } from '../db/tables';
import { recordKey } from './keys';

export const keyLifetimeSeconds = 24 * 60 * 60;
/** Above this the stored answer is compressed (an item holds at most 400 KB; 10,000 codes in XML are ~220 KB). */
const compressAbove = 100_000;

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type Acquired =
  | { kind: 'acquired' }
  | { kind: 'running' }
  | { kind: 'mismatch' }
  | { kind: 'completed'; response: StoredResponse };


/** The record as a claim (lib/db/claim.ts): `owner` holds it until `lockedUntil`; completed, it keeps its owner and no lease. */
const claimOf = (tenantId: string, key: string): ClaimRef => ({
  table: tableName('idempotency'),
  key: recordKey(tenantId, key),
  owner: 'owner',
  until: 'lockedUntil',
  epoch: 'takes',
});

/**
 * Takes the key for this request, unless a live record holds it: one conditional write (the
 * claim primitive's take) that wins over an absent record, an in-progress record whose
 * invocation's time ran out (it can no longer answer: its lease lapsed), and an expired record
 * (TTL deletion is lazy). A completed record has no lease: it is replayed, never taken.
 */
export async function acquireKey(
  tenantId: string,
  key: string,
  fingerprint: string,
  owner: string,
  lockMs: number,
  now = Date.now(),
): Promise<Acquired> {
  // Three takes at most, without a pause (the record was just released: the next take wins or meets a new one).
  try {
    return await withRetry(async (): Promise<Acquired> => {
      const taken = await take(claimOf(tenantId, key), {
        owner,
        now,
        until: now + lockMs,
        orIf: { condition: '#ttl <= :nowS', names: { '#ttl': 'ttl' }, values: { ':nowS': Math.floor(now / 1000) } },
        extra: {
          set: ['#status = :running', 'fingerprint = :fingerprint', '#ttl = :ttl'],
          remove: ['#response', 'responseGzip'],
          names: { '#status': 'status', '#ttl': 'ttl', '#response': 'response' },
          values: { ':running': 'in_progress', ':fingerprint': fingerprint, ':ttl': Math.ceil(now / 1000) + keyLifetimeSeconds },
        },
        returnOld: true,
      });
      if (taken.taken) return { kind: 'acquired' };
      const existing = taken.item ?? (await readRecord(tenantId, key));
      // Released (its request failed) between the write and the read: try again.
      if (!existing) throw new ChangedMeanwhile();
      if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (existing.status !== 'completed') return { kind: 'running' };
      return { kind: 'completed', response: decodeResponse(existing) };
    }, { attempts: 3, pause: false, retryIf: (err) => err instanceof ChangedMeanwhile });
  } catch (err) {
    if (err instanceof ChangedMeanwhile) return { kind: 'running' };
    throw err;
  }
}

async function readRecord(tenantId: string, key: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName('idempotency'), Key: recordKey(tenantId, key), ConsistentRead: true }),
  );
  return Item;
}

/** Stores the answer of the request that holds the key (and only if it still does): the claim completed. */
export async function completeKey(tenantId: string, key: string, owner: string, response: StoredResponse): Promise<void> {
  const json = JSON.stringify(response);
  const large = json.length > compressAbove;
  await complete(claimOf(tenantId, key), owner, {
    set: ['#status = :completed', `${large ? 'responseGzip' : '#response'} = :response`],
    condition: '#status = :running',
    names: { '#status': 'status', ...(large ? {} : { '#response': 'response' }) },
    values: { ':completed': 'completed', ':running': 'in_progress', ':response': large ? gzipSync(json) : json },
  });
}

/** Frees the key after a failed request (nothing it did is kept), if this invocation still holds it: the claim released (record deleted). */
export async function releaseKey(tenantId: string, key: string, owner: string): Promise<void> {
  await releaseByDelete(claimOf(tenantId, key), owner, {
    condition: '#status = :running',
    names: { '#status': 'status' },
    values: { ':running': 'in_progress' },
  });
}

function decodeResponse(item: Record<string, unknown>): StoredResponse {
  const gz = item.responseGzip as Uint8Array | undefined;
  return JSON.parse(gz ? gunzipSync(gz).toString('utf8') : String(item.response)) as StoredResponse;
}

/** Tests: the raw record of a key. */
export function idempotencyRecordKey(tenantId: string, key: string): { pk: string; sk: string } {
  return recordKey(tenantId, key);
}
