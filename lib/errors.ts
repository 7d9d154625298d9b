/**
 * Domain errors. Code throws these; one middleware (lib/http/errors.ts) turns each kind
 * into the status and body of the surface that was called. Nothing here knows HTTP.
 */
export type ErrorKind =
  | 'invalid' // validation or business rule
  | 'not_found'
  | 'unauthenticated'
  | 'malformed' // the request body could not be read
  | 'too_large'
  | 'unsupported_media'
  | 'unavailable' // the database is throttling or unreachable: try again
  | 'conflict' // the same Idempotency-Key is still being processed
  | 'key_reused' // an Idempotency-Key sent again with another request
  | 'rate_limited'; // too many failed attempts: wait

export class AppError extends Error {
  /** A machine-readable code where a protocol defines one (OAuth's `unsupported_grant_type`). */
  readonly code?: string;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = options?.code;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super('invalid', message, options);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super('not_found', message);
  }
}

/** `missing`: no credential was sent; `invalid`: one was sent and is not (or no longer) valid. */
export class AuthError extends AppError {
  constructor(readonly reason: 'missing' | 'invalid') {
    super('unauthenticated', reason === 'missing' ? 'Credentials missing' : 'Credentials invalid');
  }
}

export class MalformedRequestError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed', message, options);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor() {
    super('too_large', 'Request body larger than 1 MiB');
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(contentType: string) {
    super('unsupported_media', `Unsupported Content-Type: ${contentType.slice(0, 100)}`);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(options?: { cause?: unknown }) {
    // The code is what the token endpoint answers (RFC 6749 `temporarily_unavailable`), not `invalid_request`.
    super('unavailable', 'Service temporarily unavailable, please retry', { ...options, code: 'temporarily_unavailable' });
  }
}

/** 409 on every surface: a request with the same Idempotency-Key is still running. */
export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/** 422 on every surface (SPEC section 3, "Retries"), also where validation errors are 400. */
export class KeyReusedError extends AppError {
  constructor(message: string) {
    super('key_reused', message);
  }
}

/** 429 with `Retry-After`; the token endpoint's code is `slow_down`. */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message, { code: 'slow_down' });
  }
}

const notAppliedMark = Symbol('notApplied');

/**
 * Marks `err` as thrown by a write path that knows it can no longer take effect (its operation
 * was undone, its batch abandoned): an Idempotency-Key may then be used to run it again.
 */
export function notApplied<E>(err: E): E {
  if (typeof err === 'object' && err !== null) Object.defineProperty(err, notAppliedMark, { value: true });
  return err;
}

export const isNotApplied = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[notAppliedMark] === true;
