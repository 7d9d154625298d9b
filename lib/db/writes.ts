/**
 * Whether a request's DynamoDB writes may have been applied without the request knowing it: a
 * middleware on the one client (client.ts) sees every attempt's outcome, inside the SDK's
 * retries. A write call is *uncertain* when its last attempt failed at the network or with
 * a 5xx (the request may have been applied: a lost answer), or when an earlier attempt did and a
 * later one was refused (a refusal by a condition the first attempt's own write may have made
 * false). A 2xx answer settles the call (applied, and the caller knows), a 4xx attempt alone
 * (throttling, a failed condition, validation) was not applied.
 *
 * lib/http/idempotency.ts runs each keyed request inside `trackWrites` and keeps the key of a
 * request that failed with an uncertain write (it may have committed: never run it again).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface WriteLog {
  /** Calls (by SDK invocation id) whose outcome is not known. */
  uncertain: Set<string>;
}

const store = new AsyncLocalStorage<WriteLog>();

/** Runs `fn` with a fresh log of its writes' outcomes. */
export function trackWrites<T>(log: WriteLog, fn: () => Promise<T>): Promise<T> {
  return store.run(log, fn);
}

export const newWriteLog = (): WriteLog => ({ uncertain: new Set() });

const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
  'BatchExecuteStatementCommand',
  'ExecuteStatementCommand',
  'ExecuteTransactionCommand',
]);

type Next = (args: unknown) => Promise<unknown>;

const statusOf = (err: unknown): number | undefined => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * Installs the outcome middleware on `client` (once per client): just outside the deserializer,
 * so it sees each attempt's parsed outcome (inside the SDK's retry middleware).
 */
export function watchWrites(client: DynamoDBClient): void {
  client.middlewareStack.addRelativeTo(
    ((next: Next, context: { commandName?: string }) => async (args: { request?: { headers?: Record<string, string> } }) => {
      const log = store.getStore();
      if (!log || !writeCommands.has(context.commandName ?? '')) return next(args);
      const id = args.request?.headers?.['amz-sdk-invocation-id'] ?? 'unknown';
      try {
        const out = await next(args);
        log.uncertain.delete(id); // answered: applied, and the caller knows
        return out;
      } catch (err) {
        const status = statusOf(err);
        // 4xx: refused, not applied (an earlier uncertain attempt of the same call stays uncertain).
        if (status === undefined || status >= 500) log.uncertain.add(id);
        throw err;
      }
    }) as never,
    { relation: 'before', toMiddleware: 'deserializerMiddleware', name: 'allotWriteOutcome', override: true } as never,
  );
  // And around the whole call (outside the SDK's retries and anything else on the stack): a call
  // that ends in an error without a 4xx status may have been applied, whatever its attempts said.
  let calls = 0;
  client.middlewareStack.add(
    ((next: Next, context: { commandName?: string }) => async (args: unknown) => {
      const log = store.getStore();
      if (!log || !writeCommands.has(context.commandName ?? '')) return next(args);
      try {
        return await next(args);
      } catch (err) {
        const status = statusOf(err);
        if (status === undefined || status >= 500) log.uncertain.add(`call ${++calls}`);
        throw err;
      }
    }) as never,
    { step: 'initialize', name: 'allotWriteCallOutcome', override: true } as never,
  );
}
