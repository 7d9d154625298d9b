/**
 * `Idempotency-Key` on every POST and PUT (SPEC section 3, "Retries"; the token endpoint is
 * left out: a token is cheap to issue again). Two middlewares, because the two ends of a
 * request sit at different places in the middy stack:
 * - `keyedRequest` (before the body parser): reads the key and fingerprints the request as
 *   sent; afterwards stores a successful answer exactly as sent (status, headers, body: the
 *   handler serialises its reply itself), or releases the key after an error.
 * - `claimKey` (after authentication, which gives the tenant the key belongs to): takes the
 *   key, or answers 409 (still running), 422 (another request) or replays the stored answer,
 *   in which case `skipWhenReplayed` returns it instead of running the handler.
 * A refusal (4xx) is not stored: it changed nothing, and a retry runs again. A 5xx is not stored
 * either when the request knows nothing took effect (every write answered, or its operation
 * undone); after a write whose answer was lost it is stored and replayed: the request may have
 * committed, so it never runs again under this key (docs/RELIABILITY.md, "Retries").
 */
import { createHash, randomUUID } from 'node:crypto';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { isUnavailable } from '../db/errors';
import { withRetry } from '../db/retry';
import { newWriteLog, trackWrites, type WriteLog } from '../db/writes';
import { ConflictError, isNotApplied, KeyReusedError, ValidationError } from '../errors';
import { acquireKey, completeKey, releaseKey, type StoredResponse } from '../idempotency/repository';
import type { TenantContext } from './auth';
import { requestMethod, requestPath, type ParsedEvent } from './event';
import type { HttpResult } from './handler';
import { log } from '../log';
import type { SurfaceName } from './surfaces';

/** 1-255 printable ASCII characters (SPEC section 3). */
const validKey = /^[\x20-\x7E]{1,255}$/;
/** When the Lambda context cannot say how long the invocation may still run (API Gateway's limit is 29 s). */
const defaultLockMs = 30_000;

interface Claim {
  key: string;
  fingerprint: string;
  /** The outcomes of the request's writes (lib/db/writes.ts). */
  writes: WriteLog;
  /** Set once this invocation holds the key. */
  owner?: string;
  replay?: StoredResponse;
}

type Request = middy.Request<ParsedEvent, unknown, Error, TenantContext>;

const claims = new WeakMap<Context, Claim>();

function keyHeader(event: ParsedEvent): string | undefined {
  const multi = (event as { multiValueHeaders?: Record<string, string[] | undefined> | null }).multiValueHeaders;
  const values = multi?.['idempotency-key'];
  // Two headers: v1 events list both; refused below like any other bad key.
  if (values && values.length > 1) return '';
  return event.headers?.['idempotency-key'];
}

/** Method, route, path parameters (not the inventory token: any of the tenant's tokens may retry), query, type and body. */
export function requestFingerprint(event: ParsedEvent): string {
  const params = Object.entries(event.pathParameters ?? {}).filter(([name]) => name !== 'api_token');
  const route = event.routeKey ?? event.requestContext?.routeKey ?? event.resource ?? requestPath(event);
  const parts = [
    requestMethod(event),
    route,
    params.sort(([a], [b]) => (a < b ? -1 : 1)),
    event.rawQueryString ?? event.multiValueQueryStringParameters ?? event.queryStringParameters ?? null,
    event.headers?.['content-type'] ?? null,
    event.isBase64Encoded ?? false,
    typeof event.body === 'string' ? event.body : null,
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** The error middy throws when the invocation's time is nearly up (timeoutEarly): the handler is not stopped. */
const timedOut = (err: unknown): boolean =>
  err instanceof Error && err.name === 'TimeoutError' && (err.cause as { package?: string } | undefined)?.package === '@middy/core';

type Middlewares = middy.MiddlewareObj<ParsedEvent, unknown, Error, TenantContext>[];

export const keyedRequest = (surface: SurfaceName): Middlewares => {
  if (surface === 'oauth') return [];
  const settle = async (request: Request, failed: boolean) => {
    const claim = claims.get(request.context);
    const tenantId = request.context.tenantId;
    if (!claim?.owner || !tenantId) return;
    const response = request.response as StoredResponse | undefined;
    const status = response?.statusCode ?? 500;
    // Released only when nothing took effect: a refusal (4xx), or a failure whose writes were all
    // answered (or that undid its own operation). A failure after a write whose answer was lost
    // may have committed: its answer is kept and replayed, never run again under this key.
    // middy's early timeout answers while the handler may still run (and commit): never released.
    const release =
      status < 500 ? failed || status >= 400 : !timedOut(request.error) && (isNotApplied(request.error) || claim.writes.uncertain.size === 0);
    try {
      if (release) await releaseKey(tenantId, claim.key, claim.owner);
      else if (response) {
        const stored = { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
        await withRetry(() => completeKey(tenantId, claim.key, claim.owner!, stored), { attempts: 4, retryIf: isUnavailable });
      }
    } catch (err) {
      // The answer is sent anyway; the key stays taken until the invocation's time is up, then a retry runs again.
      log({ level: 'error', msg: 'idempotency key not settled', requestId: request.context.awsRequestId, error: String(err) });
    }
  };
  return [{
    before: (request) => {
      const method = requestMethod(request.event);
      if (method !== 'POST' && method !== 'PUT') return;
      const key = keyHeader(request.event);
      if (key === undefined) return;
      claims.set(request.context, { key, fingerprint: requestFingerprint(request.event), writes: newWriteLog() });
    },
    after: (request) => settle(request, false),
    onError: (request) => settle(request, true),
  }];
};

export const claimKey = (surface: SurfaceName): Middlewares => {
  if (surface === 'oauth') return [];
  return [{
    before: async (request) => {
      const claim = claims.get(request.context);
      const tenantId = request.context.tenantId;
      if (!claim || !tenantId) return;
      if (!validKey.test(claim.key)) throw new ValidationError('Idempotency-Key must be 1 to 255 printable characters');
      const owner = randomUUID();
      const remaining = request.context.getRemainingTimeInMillis?.();
      const outcome = await acquireKey(tenantId, claim.key, claim.fingerprint, owner, remaining && remaining > 0 ? remaining : defaultLockMs);
      if (outcome.kind === 'running') throw new ConflictError('A request with this Idempotency-Key is still being processed; retry later');
      if (outcome.kind === 'mismatch') throw new KeyReusedError('This Idempotency-Key was used for a different request');
      if (outcome.kind === 'completed') claim.replay = outcome.response;
      else claim.owner = owner;
    },
  }];
};

/**
 * One id per Idempotency-Key and request (a hash of the key and the request's fingerprint; the
 * tenant is the caller's): the same for every retry of this request under this key, so a domain
 * path can resume what an earlier attempt left (lib/enrollment/generate-batch.ts). Undefined
 * without a key, or when the answer is a replay.
 */
export function requestKeyOf(context: Context): string | undefined {
  const claim = claims.get(context);
  if (!claim?.owner) return undefined;
  return createHash('sha256').update(`${claim.key}\n${claim.fingerprint}`).digest('base64url').slice(0, 32);
}

/** The handler, unless the answer is a stored one being replayed. */
export function skipWhenReplayed<C extends Context>(core: (event: ParsedEvent, context: C) => Promise<HttpResult>) {
  return (event: ParsedEvent, context: C): Promise<HttpResult> => {
    const claim = claims.get(context);
    if (claim?.replay) return Promise.resolve(claim.replay);
    return claim ? trackWrites(claim.writes, () => core(event, context)) : core(event, context);
  };
}
