import { ServiceUnavailableError } from '../errors';
import { cancellation } from './conditions';

// Error names the SDK raises once its own retries are exhausted, for which the right answer
// is "try again later" (503 + Retry-After) rather than a 500.
const retryableNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TransactionInProgressException',
  'TimeoutError',
]);
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** True when a DynamoDB call failed because the service is busy or unreachable. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; $metadata?: unknown; cause?: unknown };
  if (retryableNames.has(e.name)) return true;
  if (e.code && networkCodes.has(e.code)) return true;
  const cancelled = cancellation(err);
  if (cancelled) return cancelled.contended;
  // AggregateError from connection attempts to every resolved address.
  if (e instanceof AggregateError) return e.errors.some(isUnavailable);
  return e.cause !== undefined && e.cause !== err && isUnavailable(e.cause);
}

/** Rethrows a busy/unreachable database as ServiceUnavailableError; anything else unchanged. */
export function asServiceError(err: unknown): unknown {
  return isUnavailable(err) ? new ServiceUnavailableError({ cause: err }) : err;
}
