/**
 * `Idempotency-Key` on every POST and PUT (SPEC section 3, "Retries"; the token endpoint is
 * left out: a token is cheap to issue again), as one middy middleware placed after
 * authentication (a key belongs to the tenant):
 * - `before`: takes the key (lib/idempotency/repository.ts, a claim of lib/db/claim.ts), or
 *   answers 409 (still running) or 422 (another request), or replays the stored answer as middy's
 *   early response (a value returned from `before`: the handler and every `after` are skipped,
 *   middy.js.org "Early Response"; the request log sees it through middy's `requestEnd` hook,
 *   lib/http/log-requests.ts). The request is fingerprinted as sent: method, route, parameters,
 *   query, type and the body parseBody found (`request.internal.bodyAsSent`, lib/http/body.ts).
 * - `after` / `onError`: stores a successful answer exactly as sent (the handler serialises its
 *   reply itself), or releases the key after an error. Its `onError` runs after mapErrors' (which
 *   is used after it: middy runs onError last-used first), so it sees the answer the client gets.
 * The state of one request lives in `request.internal.idempotency`. The handler must run inside
 * `trackWrites` (lib/db/writes.ts) when a key is held, and middy hands a handler only the event
 * and the Lambda context: the request's write log goes on the context (`writes`, as
 * authentication puts the tenant there), and the factory wraps its handler in `tracked`.
 * A refusal (4xx) is not stored: it changed nothing, and a retry runs again. A 5xx is not stored
 * either when the request knows nothing took effect (every write answered, or its operation
 * undone); after a write whose answer was lost it is stored and replayed: the request may have
 * committed, so it never runs again under this key (docs/RELIABILITY.md, "Retries"). A GET pays
 * one method check.
 */
import { createHash, randomUUID } from 'node:crypto';
import type middy from '@middy/core';
import { isUnavailable } from '../db/errors';
import { withRetry } from '../db/retry';
import { closeUnwritten, newWriteLog, trackWrites, type WriteLog } from '../db/writes';
import { ConflictError, isNotApplied, KeyReusedError, ValidationError } from '../errors';
import { acquireKey, completeKey, releaseKey } from '../idempotency/repository';
import { log } from '../log';
import type { TenantContext } from './auth';
import type { BodyAsSent } from './body';
import { requestMethod, requestPath, type ParsedEvent } from './event';
import type { SurfaceName } from './surfaces';
import type { HttpResult } from './types';

/** 1-255 printable ASCII characters (SPEC section 3). */
const validKey = /^[\x20-\x7E]{1,255}$/;
/** When the Lambda context cannot say how long the invocation may still run (API Gateway's limit is 29 s). */
const defaultLockMs = 30_000;
/**
 * The key's lease runs this long past the request's write deadline (lib/db/writes.ts): a write
 * attempt started just before the deadline has this long to land before a retry may take the key
 * over (a DynamoDB call takes milliseconds; what is left is an attempt stuck in flight for longer).
 */
export const LEASE_MARGIN_MS = 10_000;

/** The context a keyed request's handler sees: its write log (lib/db/writes.ts). */
export interface TrackedContext extends TenantContext {
  writes?: WriteLog;
  /** Set when the request holds a key: stable across its retries (the key and the request's fingerprint, hashed). */
  requestKey?: string;
}

/** One keyed request's state, in `request.internal.idempotency`. */
interface Held {
  key: string;
  owner: string;
  /** The outcomes of the request's writes (lib/db/writes.ts). */
  writes: WriteLog;
}

export interface IdempotencyInternal extends Record<string, unknown> {
  bodyAsSent?: BodyAsSent;
  idempotency?: Held;
}

type Request = middy.Request<ParsedEvent, unknown, Error, TenantContext, IdempotencyInternal>;

function keyHeader(event: ParsedEvent): string | undefined {
  const multi = (event as { multiValueHeaders?: Record<string, string[] | undefined> | null }).multiValueHeaders;
  const values = multi?.['idempotency-key'];
  // Two headers: v1 events list both; refused below like any other bad key.
  if (values && values.length > 1) return '';
  return event.headers?.['idempotency-key'];
}

/**
 * Method, route, path parameters (not the inventory token: any of the tenant's tokens may retry),
 * query, type and body as sent (`sent`: what parseBody found, when it has run).
 */
export function requestFingerprint(event: ParsedEvent, sent: BodyAsSent = event): string {
  const params = Object.entries(event.pathParameters ?? {}).filter(([name]) => name !== 'api_token');
  const route = event.routeKey ?? event.requestContext?.routeKey ?? event.resource ?? requestPath(event);
  const parts = [
    requestMethod(event),
    route,
    params.sort(([a], [b]) => (a < b ? -1 : 1)),
    event.rawQueryString ?? event.multiValueQueryStringParameters ?? event.queryStringParameters ?? null,
    event.headers?.['content-type'] ?? null,
    sent.isBase64Encoded ?? false,
    typeof sent.body === 'string' ? sent.body : null,
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** The error middy throws when the invocation's time is nearly up (timeoutEarly): the handler is not stopped. */
const timedOut = (err: unknown): boolean =>
  err instanceof Error && err.name === 'TimeoutError' && (err.cause as { package?: string } | undefined)?.package === '@middy/core';

async function settle(request: Request, failed: boolean): Promise<void> {
  const held = request.internal.idempotency;
  const tenantId = request.context.tenantId;
  if (!held || !tenantId) return;
  const response = request.response as HttpResult | undefined;
  const status = response?.statusCode ?? 500;
  // Released only when nothing took effect: a refusal (4xx), or a failure whose writes were all
  // answered (or that undid its own operation). A failure after a write whose answer was lost
  // may have committed: its answer is kept and replayed, never run again under this key.
  // middy's early timeout answers while the handler may still run (and commit): released only
  // when the request has not started a write, and its log is closed first so it never starts one.
  const release =
    status < 500
      ? failed || status >= 400
      : timedOut(request.error)
        ? closeUnwritten(held.writes)
        : isNotApplied(request.error) || held.writes.uncertain.size === 0;
  try {
    if (release) await releaseKey(tenantId, held.key, held.owner);
    else if (response) {
      const stored = { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
      await withRetry(() => completeKey(tenantId, held.key, held.owner, stored), { attempts: 4, retryIf: isUnavailable });
    }
  } catch (err) {
    // The answer is sent anyway; the key stays taken until the invocation's time is up, then a retry runs again.
    log({ level: 'error', msg: 'idempotency key not settled', requestId: request.context.awsRequestId, error: String(err) });
  }
}

export const idempotency = (surface: SurfaceName): middy.MiddlewareObj<ParsedEvent, unknown, Error, TenantContext>[] => {
  if (surface === 'oauth') return [];
  const middleware: middy.MiddlewareObj<ParsedEvent, unknown, Error, TenantContext, IdempotencyInternal> = {
    before: async (request) => {
      const method = requestMethod(request.event);
      if (method !== 'POST' && method !== 'PUT') return;
      const key = keyHeader(request.event);
      const tenantId = request.context.tenantId;
      if (key === undefined || !tenantId) return;
      if (!validKey.test(key)) throw new ValidationError('Idempotency-Key must be 1 to 255 printable characters');
      const fingerprint = requestFingerprint(request.event, request.internal.bodyAsSent);
      const owner = randomUUID();
      const remaining = request.context.getRemainingTimeInMillis?.();
      const writeMs = remaining && remaining > 0 ? remaining : defaultLockMs;
      const deadline = Date.now() + writeMs;
      const outcome = await acquireKey(tenantId, key, fingerprint, owner, writeMs + LEASE_MARGIN_MS);
      if (outcome.kind === 'running') throw new ConflictError('A request with this Idempotency-Key is still being processed; retry later');
      if (outcome.kind === 'mismatch') throw new KeyReusedError('This Idempotency-Key was used for a different request');
      // A stored answer: middy's early response (nothing else runs; the log sees it at requestEnd).
      if (outcome.kind === 'completed') return outcome.response;
      const writes = newWriteLog(deadline);
      request.internal.idempotency = { key, owner, writes };
      (request.context as TrackedContext).writes = writes;
      (request.context as TrackedContext).requestKey = createHash('sha256').update(`${key}\n${fingerprint}`).digest('base64url');
      return undefined;
    },
    after: (request) => settle(request, false),
    onError: (request) => settle(request, true),
  };
  return [middleware as middy.MiddlewareObj<ParsedEvent, unknown, Error, TenantContext>];
};

/** The handler, inside `trackWrites` when its request holds a key (its `before` put the write log on the context). */
export function tracked<C extends TrackedContext>(
  core: (event: ParsedEvent, context: C) => Promise<HttpResult>,
): (event: ParsedEvent, context: C) => Promise<HttpResult> {
  return (event, context) => (context.writes ? trackWrites(context.writes, () => core(event, context)) : core(event, context));
}
