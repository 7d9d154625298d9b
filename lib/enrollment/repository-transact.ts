/**
 * The enrollment table's transactions: each answers the indexes of the items whose condition
 * failed ([] on success); the caller knows what each index means. A cancellation in which some
 * item met a concurrent transaction or throttling is retried with backoff, since that item's
 * condition was not evaluated and a failure elsewhere proves nothing yet.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { cancellation, isContended } from '../db/conditions';
import { withRetry } from '../db/retry';
import type { TransactItem } from '../db/types';



const attempts = 8;

export function transact(items: TransactItem[]): Promise<number[]> {
  return withRetry(
    async () => {
      try {
        await db().send(new TransactWriteCommand({ TransactItems: items }));
        return [];
      } catch (err) {
        const cancelled = cancellation(err);
        if (cancelled && !cancelled.contended && cancelled.conditionFailedAt.length > 0) return cancelled.conditionFailedAt;
        throw err;
      }
    },
    // Out of attempts, the error propagates: lib/db/errors.ts answers a conflict with 503.
    { attempts, baseMs: 10, capMs: 640, retryIf: isContended },
  );
}
