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
 *
 * A keyed request also never *starts* a write attempt after its `deadline`: its key's lease runs
 * a margin past it, and once the lease lapses a retry may take the key over and run the request
 * again. Without this guard, a request that outlived its lease (middy answered 503 at the
 * deadline but the handler ran on; a Lambda frozen after answering resumes its pending work at the
 * next thaw) would commit after the retry did: applied twice (the sim's regression, seed
 * 1135670460 path 95, test/sim/inventory.test.ts). What it cannot stop: bytes already handed to
 * the socket before a freeze (docs/RELIABILITY.md, "Retries").
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ServiceUnavailableError } from '../errors';

export interface WriteLog {
  /** Calls (by SDK invocation id) whose outcome is not known. */
  uncertain: Set<string>;
  /** Epoch ms from which no write attempt is started (the request's key lease ends a margin later). */
  deadline?: number;
  /** Write attempts started (sent or about to be): 0 means the request has changed nothing. */
  started: number;
}

/** A write the request did not send: its time (and so its key's lease) is up. Nothing was applied: 503, never retried here. */
export class WriteAfterDeadline extends ServiceUnavailableError {
  constructor() {
    super();
    this.name = 'WriteAfterDeadline';
  }
}

const store = new AsyncLocalStorage<WriteLog>();

/** Runs `fn` with a fresh log of its writes' outcomes. */
export function trackWrites<T>(log: WriteLog, fn: () => Promise<T>): Promise<T> {
  return store.run(log, fn);
}

export const newWriteLog = (deadline?: number): WriteLog => ({ uncertain: new Set(), started: 0, ...(deadline === undefined ? {} : { deadline }) });

/**
 * Closes the log (no write attempt starts after this) and answers whether the request never
 * started one: then nothing it did can take effect, even though its handler may still be running.
 */
export function closeUnwritten(log: WriteLog): boolean {
  log.deadline = 0;
  return log.started === 0;
}

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
      if (log.deadline !== undefined && Date.now() >= log.deadline) throw new WriteAfterDeadline();
      log.started++;
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
        if (!(err instanceof WriteAfterDeadline) && (status === undefined || status >= 500)) log.uncertain.add(`call ${++calls}`);
        throw err;
      }
    }) as never,
    { step: 'initialize', name: 'allotWriteCallOutcome', override: true } as never,
  );
}
