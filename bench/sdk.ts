/**
 * Bench-only SDK middlewares, added to the one DynamoDB client the application uses
 * (lib/db/client.ts; the DocumentClient shares the raw client's middleware stack) and removed
 * again after the scenario. Both sit at the `initialize` step, where input and output are
 * still in document form (lib-dynamodb marshals at `serialize` and unmarshals at `deserialize`).
 */
import type { InitializeHandler, InitializeHandlerArguments, InitializeMiddleware } from '@smithy/types';
import { rawDb } from '../lib/db/client';

type Doc = Record<string, unknown>;

function install(name: string, middleware: InitializeMiddleware<object, object>): () => void {
  const stack = rawDb().middlewareStack;
  stack.add(middleware as never, { step: 'initialize', name, priority: 'high' });
  return () => {
    stack.remove(name);
  };
}

/**
 * A STUB for the database: first records the document-form output of each distinct request
 * (command name + input), then, in replay mode, answers that request with the recorded output
 * without sending anything (no marshalling, no HTTP, no unmarshalling). An unrecorded request
 * in replay mode throws, so a scenario cannot silently measure something else.
 */
export function recordReplay(): { replay(): void; commands(): string[]; uninstall(): void } {
  const recorded = new Map<string, object>();
  let replaying = false;
  const middleware: InitializeMiddleware<object, object> =
    (next: InitializeHandler<object, object>, context) => async (args: InitializeHandlerArguments<object>) => {
      const key = `${String(context.commandName)} ${JSON.stringify(args.input)}`;
      if (replaying) {
        const output = recorded.get(key);
        if (!output) throw new Error(`bench stub: no recorded response for ${key}`);
        return { output: { ...output, $metadata: {} }, response: {} };
      }
      const result = await next(args);
      recorded.set(key, result.output);
      return result;
    };
  const uninstall = install('benchRecordReplay', middleware);
  return {
    replay: () => {
      replaying = true;
    },
    commands: () => [...recorded.keys()].map((k) => k.slice(0, k.indexOf(' '))),
    uninstall,
  };
}

export interface ReadCounts {
  requests: number;
  /** Items DynamoDB read: ScannedCount of a Query/Scan (before filters), items of a Get/BatchGet. */
  itemsRead: number;
  /** Items returned to the client (after filters). */
  itemsReturned: number;
  /** Read capacity units reported by DynamoDB (ReturnConsumedCapacity TOTAL). */
  capacityUnits: number;
  scans: number;
  byCommand: Record<string, number>;
}

const readCommands = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/** Counts what every read request reads, asking DynamoDB for its consumed capacity too. */
export function countReads(): { counts: ReadCounts; reset(): void; uninstall(): void } {
  const fresh = (): ReadCounts => ({ requests: 0, itemsRead: 0, itemsReturned: 0, capacityUnits: 0, scans: 0, byCommand: {} });
  const state = { counts: fresh() };
  const middleware: InitializeMiddleware<object, object> =
    (next: InitializeHandler<object, object>, context) => async (args: InitializeHandlerArguments<object>) => {
      const command = String(context.commandName);
      if (!readCommands.has(command)) return next(args);
      const result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
      const out = result.output as Doc;
      const c = state.counts;
      c.requests++;
      c.byCommand[command] = (c.byCommand[command] ?? 0) + 1;
      if (command === 'ScanCommand') c.scans++;
      let read = 0;
      let returned = 0;
      if (command === 'GetItemCommand') read = returned = out.Item ? 1 : 0;
      else if (command === 'BatchGetItemCommand') {
        for (const items of Object.values((out.Responses ?? {}) as Record<string, unknown[]>)) read += items.length;
        returned = read;
      } else {
        read = Number(out.ScannedCount ?? 0);
        returned = Number(out.Count ?? 0);
      }
      c.itemsRead += read;
      c.itemsReturned += returned;
      const capacity = out.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
      for (const entry of Array.isArray(capacity) ? capacity : capacity ? [capacity] : []) {
        c.capacityUnits += Number(entry.CapacityUnits ?? 0);
      }
      return result;
    };
  const uninstall = install('benchCountReads', middleware);
  return {
    get counts() {
      return state.counts;
    },
    reset: () => {
      state.counts = fresh();
    },
    uninstall,
  };
}
