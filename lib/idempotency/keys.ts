/**
 * The idempotency table's layout: each tenant's Idempotency-Keys and the first answer to each
 * (SPEC section 3, "Retries"); the commands are in repository.ts.
 *
 *   T#<tenant>#KEY#<key> / REQUEST   status (in_progress | completed), fingerprint (of the request),
 *                                    owner (the invocation holding it), lockedUntil (ms),
 *                                    response (JSON, or gzip when large), ttl (s: 24 h after first use)
 */
export const recordKey = (tenantId: string, key: string) => ({ pk: `T#${tenantId}#KEY#${key}`, sk: 'REQUEST' });
