/**
 * Sending a raw command without building its middleware stack again (issue 26). The SDK's
 * `client.send` sorts and composes the client's and the command's middleware on every call:
 * in a CPU profile of a warm `show` (DB stubbed) that was about a third of the request, and the
 * DocumentClient does it twice per call (its own marshalling stack around the raw command's).
 * `sendResolved` composes once per command class and reuses the handler, which is what the
 * SDK's own `cacheMiddleware: true` client option does (@smithy/core Client.send), with two
 * differences that make it safe here:
 * - the SDK option cannot be used with the DocumentClient, which shares the raw client's
 *   config (its commands return a handler bound to one command: aws-sdk-js-v3 PR 7801, open);
 * - the SDK option never notices a middleware added later (the tests' fault injection, the
 *   simulation's interposer, the bench's stubs and meters add theirs after the first request):
 *   here any change to the client's stack, or a new request handler, resolves again.
 * Hand-written because no SDK facility does both; it uses only the commands' public
 * `resolveMiddleware` and the stack's public methods.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A command as the SDK defines it (only its public `resolveMiddleware` is used). */
interface Resolvable {
  resolveMiddleware(...args: never[]): unknown;
}
type Resolve = (stack: unknown, config: unknown, options: unknown) => Resolved['handler'];

interface Resolved {
  generation: number;
  requestHandler: unknown;
  handler: (command: unknown) => Promise<{ output: unknown }>;
}

const generations = new WeakMap<DynamoDBClient, { value: number; handlers: Map<unknown, Resolved> }>();

const mutators = ['add', 'addRelativeTo', 'remove', 'removeByTag', 'use'] as const;

/** Counts changes to the client's middleware stack (every method that adds or removes one). */
export function watchStack(client: DynamoDBClient): void {
  const state = { value: 0, handlers: new Map<unknown, Resolved>() };
  generations.set(client, state);
  const stack = client.middlewareStack as unknown as Record<(typeof mutators)[number], (...args: unknown[]) => unknown>;
  for (const name of mutators) {
    const original = stack[name]!.bind(stack);
    stack[name] = (...args: unknown[]) => {
      state.value++;
      return original(...args);
    };
  }
}

/** `client.send(command)` with the command class's middleware resolved once (see above). */
export function sendResolved<O>(client: DynamoDBClient, command: Resolvable): Promise<O> {
  const state = generations.get(client);
  if (!state) return client.send(command as never) as Promise<O>;
  const requestHandler = (client.config as { requestHandler?: unknown }).requestHandler;
  let entry = state.handlers.get(command.constructor);
  if (!entry || entry.generation !== state.value || entry.requestHandler !== requestHandler) {
    entry = {
      generation: state.value,
      requestHandler,
      handler: (command.resolveMiddleware as Resolve).call(command, client.middlewareStack, client.config, undefined),
    };
    state.handlers.set(command.constructor, entry);
  }
  return entry.handler(command).then((result) => result.output as O);
}
