/**
 * What a refused conditional write means, said where the write is built: a transaction item
 * carries the domain error its failed condition stands for (`refusing(put(claim), NameTaken)`),
 * so no caller decodes a cancellation by item position. Items without one stand for "read
 * earlier, changed since": ChangedMeanwhile, which callers retry with `retryChanged`.
 */
import { withRetry } from './retry';
import type { TransactItem } from './types';

/** An item read earlier changed (or vanished) before the write: read again, try again. */
export class ChangedMeanwhile extends Error {}
/** The record's key is already taken (a create met an existing record). */
export class AlreadyExists extends Error {}

type Refusal = new () => Error;
const REFUSAL = Symbol('refusal');
/** A transaction item tagged with the error its failed condition means. */
export type Guarded = TransactItem & { [REFUSAL]?: Refusal };

/** `item`, refused as `refusal` when its condition fails (the tag never reaches DynamoDB: symbols are not sent). */
export const refusing = (item: TransactItem, refusal: Refusal): Guarded => Object.assign({ ...item }, { [REFUSAL]: refusal });

/** The error a failed condition of `items[index]` means. */
export const refusalAt = (items: Guarded[], index: number): Error => new (items[index]?.[REFUSAL] ?? ChangedMeanwhile)();

/** withRetry options for a read-modify-write that starts over when it meets ChangedMeanwhile. */
export const retryChanged = { attempts: 10, capMs: 200, retryIf: (err: unknown) => err instanceof ChangedMeanwhile };

/**
 * An import's idempotent upsert: `update` what `find` finds, else `insert`; an insert that meets a
 * record created meanwhile (AlreadyExists) starts over and updates it instead.
 */
export async function upsert<T>(find: () => Promise<T | undefined>, update: (found: T) => Promise<unknown>, insert: () => Promise<unknown>): Promise<void> {
  await withRetry(async () => {
    const found = await find();
    if (found !== undefined) {
      await update(found);
      return;
    }
    try {
      await insert();
    } catch (err) {
      throw err instanceof AlreadyExists ? new ChangedMeanwhile() : err;
    }
  }, retryChanged);
}
