/**
 * What a failed conditional write or cancelled transaction means, read from the SDK's own
 * exception classes (lib-dynamodb passes the client's exceptions through unchanged), never by
 * comparing error names.
 *
 * A TransactionCanceledException carries one reason per item, in request order: 'None' (the
 * item was fine), 'ConditionalCheckFailed', or a code saying the item met a concurrent
 * transaction or throttling. For a contended item the condition was not evaluated, so a
 * condition failure elsewhere in the same transaction proves nothing until a retry.
 */
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';

export { ConditionalCheckFailedException, TransactionCanceledException, TransactionConflictException };
export type { CancellationReason };

/** Reason codes of an item that was not judged on its condition: send the transaction again. */
const contentionCodes = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** A single-item Put/Update/Delete whose ConditionExpression was false. */
export function isConditionFailed(err: unknown): err is ConditionalCheckFailedException {
  return err instanceof ConditionalCheckFailedException;
}

export interface Cancellation {
  /** One per transaction item, in request order (Item is raw AttributeValues when asked for). */
  reasons: CancellationReason[];
  /** One code per item: 'None', 'ConditionalCheckFailed', 'TransactionConflict', ... */
  codes: string[];
  /** Indexes of the items whose condition was false. */
  conditionFailedAt: number[];
  /** Some item met a concurrent transaction or throttling: a retry may well succeed. */
  contended: boolean;
}

/** The reasons of a cancelled transaction; undefined for any other error. */
export function cancellation(err: unknown): Cancellation | undefined {
  if (!(err instanceof TransactionCanceledException)) return undefined;
  const reasons = err.CancellationReasons ?? [];
  const codes = reasons.map((r) => r.Code ?? 'None');
  return {
    reasons,
    codes,
    conditionFailedAt: codes.flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [i] : [])),
    contended: codes.some((code) => contentionCodes.has(code)),
  };
}

/** Indexes of the transaction items whose condition failed; [] for any other error. */
export function conditionFailedAt(err: unknown): number[] {
  return cancellation(err)?.conditionFailedAt ?? [];
}

/**
 * The write lost a race with another transaction or was throttled, not judged on its data:
 * a cancelled transaction with a contended item, or TransactionConflictException (a single-item
 * write that met a transaction in progress).
 */
export function isContended(err: unknown): boolean {
  return err instanceof TransactionConflictException || cancellation(err)?.contended === true;
}

/** The per-item reasons of a cancelled transaction; rethrows anything else. */
export function reasonsOrThrow(err: unknown): CancellationReason[] {
  const cancelled = cancellation(err);
  if (!cancelled) throw err;
  return cancelled.reasons;
}
