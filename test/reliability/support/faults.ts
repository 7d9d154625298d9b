/**
 * DynamoDB fault injection for tests: a middleware on the process's DynamoDB client
 * (rawDb().middlewareStack, which the DocumentClient shares), placed inside the SDK's retry
 * and deserializer middlewares. A fault answers an attempt with the HTTP response AWS sends
 * for throttling, a transaction conflict or an internal error (so the SDK parses it into the
 * same exception and applies its own retry rules), or fails it at the network level, lets it
 * through and loses the answer, or holds it until released.
 *
 * This MOCKS AWS BEHAVIOUR THAT DYNAMODB LOCAL CANNOT PRODUCE: DynamoDB Local never throttles
 * and rarely reports transaction conflicts. Everything else (conditions, transactions, the
 * data) is the real DynamoDB Local.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { rawDb } from '../../../lib/db/client';

export type FaultKind =
  | 'ProvisionedThroughputExceededException'
  | 'ThrottlingException'
  | 'TransactionConflict' // TransactionCanceledException, CancellationReasons [TransactionConflict, None, ...]
  | 'InternalServerError'
  | 'ECONNRESET' // the connection drops before the request reaches DynamoDB
  | 'lostAnswer' // DynamoDB applies the request, then the connection drops: the caller cannot know
  | 'hang'; // held until release() (a Lambda frozen or killed mid-call)

export interface Attempt {
  /** `TransactWriteItemsCommand`, `GetItemCommand`, ... */
  command: string;
  /** The request body as sent (DynamoDB JSON). */
  input: Record<string, unknown>;
  /** 1-based attempt of this call (the SDK retries throttling and network errors). */
  attempt: number;
  /** 1-based index of this call among the calls `select` matched (counted on first attempts). */
  call: number;
}

/**
 * Holds one attempt until `until` resolves, then lets it through; `done` is called once its
 * answer (or error) came back. A hand-built schedule: the test decides when the call lands.
 */
export interface Hold {
  until: Promise<unknown>;
  done?: (outcome: { ok: boolean; error?: unknown }) => void;
}

export interface FaultPlan {
  /** Which calls the plan is about (default: all). */
  select?: (a: Omit<Attempt, 'call'>) => boolean;
  /** The fault for an attempt of a selected call, a hold, or undefined to let it through. */
  fault: (a: Attempt) => FaultKind | Hold | undefined;
}

/** A promise opened by hand: `open()` resolves `opened`. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

export interface Injector {
  /** Faults injected so far, by kind. */
  injected: Record<string, number>;
  /** Selected calls seen so far. */
  calls: () => number;
  /** Resolves once `n` selected attempts that were let through have had their answer. */
  passed: (n: number) => Promise<void>;
  /** Lets every held ('hang') attempt go on. */
  release: () => void;
  remove: () => void;
}

const NAME = 'reliabilityFaults';

/** The HTTP answer DynamoDB sends for `type` (the SDK's deserializer turns it into that exception). */
export function awsError(type: string, status: number, extra: Record<string, unknown> = {}) {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `injected ${type}`, ...extra });
  return {
    response: {
      statusCode: status,
      reason: status === 500 ? 'Internal Server Error' : 'Bad Request',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'injected' },
      body: Buffer.from(body),
    },
  };
}

function networkError(): Error {
  return Object.assign(new Error('socket hang up (injected)'), { code: 'ECONNRESET' });
}

const bodyOf = (request: { body?: unknown } | undefined): Record<string, unknown> => {
  const body = request?.body;
  if (typeof body === 'string') return JSON.parse(body) as Record<string, unknown>;
  // The SDK's body is a Uint8Array subclass that warns when used as a string: read its bytes.
  if (body instanceof Uint8Array) return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as Record<string, unknown>;
  return {};
};

/** Installs `plan` on `client` (default: the process's client). One injector at a time. */
export function injectFaults(plan: FaultPlan, client: DynamoDBClient = rawDb()): Injector {
  client.middlewareStack.remove(NAME);
  const injected: Record<string, number> = {};
  let calls = 0;
  const callOf = new Map<string, number>();
  const held: (() => void)[] = [];
  let released = false;
  let passed = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const through = async (next: (args: unknown) => Promise<unknown>, args: unknown) => {
    try {
      return await next(args);
    } finally {
      passed += 1;
      for (const w of waiters.filter((x) => x.n <= passed)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  client.middlewareStack.addRelativeTo(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { request?: { headers?: Record<string, string>; body?: unknown } }) => {
      const headers = args.request?.headers ?? {};
      const attempt = Number(/attempt=(\d+)/.exec(headers['amz-sdk-request'] ?? '')?.[1] ?? 1);
      const base = { command: context.commandName ?? '', input: bodyOf(args.request), attempt };
      if (plan.select && !plan.select(base)) return next(args);
      const id = headers['amz-sdk-invocation-id'] ?? String(Math.random());
      if (!callOf.has(id)) callOf.set(id, ++calls);
      const fault = plan.fault({ ...base, call: callOf.get(id)! });
      if (!fault) return through(next, args);
      if (typeof fault === 'object') {
        injected.hold = (injected.hold ?? 0) + 1;
        await fault.until;
        try {
          const out = await through(next, args);
          fault.done?.({ ok: true });
          return out;
        } catch (error) {
          fault.done?.({ ok: false, error });
          throw error;
        }
      }
      injected[fault] = (injected[fault] ?? 0) + 1;
      switch (fault) {
        case 'ProvisionedThroughputExceededException':
        case 'ThrottlingException':
          return awsError(fault, 400);
        case 'InternalServerError':
          return awsError(fault, 500);
        case 'TransactionConflict': {
          const items = (base.input.TransactItems as unknown[] | undefined)?.length ?? 1;
          const reasons = Array.from({ length: items }, (_, i) =>
            i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' });
          return awsError('TransactionCanceledException', 400, {
            Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
            CancellationReasons: reasons,
          });
        }
        case 'ECONNRESET':
          throw networkError();
        case 'lostAnswer':
          await next(args);
          throw networkError();
        case 'hang':
          if (!released) await new Promise<void>((resolve) => held.push(resolve));
          return next(args);
      }
    }) as never,
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: NAME, override: true } as never,
  );

  return {
    injected,
    calls: () => calls,
    passed: (n) => (passed >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    release: () => {
      released = true;
      for (const resolve of held.splice(0)) resolve();
    },
    remove: () => {
      client.middlewareStack.remove(NAME);
    },
  };
}

/** Transaction items of a TransactWriteItems input (DynamoDB JSON). */
export function transactItems(input: Record<string, unknown>): Record<string, Record<string, unknown>>[] {
  return (input.TransactItems as Record<string, Record<string, unknown>>[] | undefined) ?? [];
}

/** True for a TransactWriteItems whose serialized input contains `text` (a condition, a key prefix). */
export const transactionWith = (text: string) => (a: Omit<Attempt, 'call'>) =>
  a.command === 'TransactWriteItemsCommand' && JSON.stringify(a.input).includes(text);

/** After a test: lets the injector's held calls go, takes it off the client; answers undefined to clear the test's variable. */
export function endFaults(faults: Injector | undefined): undefined {
  faults?.release();
  faults?.remove();
  return undefined;
}
