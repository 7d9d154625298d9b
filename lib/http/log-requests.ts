import type middy from '@middy/core';
import type { TenantContext } from './auth';
import { requestMethod, type ParsedEvent } from './event';
import { log, logInvocation } from '../log';
import { publishRequestMetrics } from '../metrics';

type Request = middy.Request<ParsedEvent, unknown, Error, TenantContext>;

/**
 * Logs one line per request; a 5xx also logs the error with its stack (never sent to the client).
 * Then publishes the request's metrics (lib/metrics) with the handler's business counts.
 * Two parts: a middleware, used first, whose `before` starts the clock and sets the log's
 * invocation context; and middy's `requestEnd` plugin hook, which sees every answered request
 * with its final status: a handler's answer, a mapped error, and an early response (a replayed
 * Idempotency-Key answer, lib/http/idempotency.ts), after which no `after` or `onError` runs.
 */
export const logRequests = (surface: string): { middleware: middy.MiddlewareObj<ParsedEvent, unknown, Error, TenantContext>; plugin: { requestEnd: (request: middy.Request) => void } } => {
  // Keyed by request: one warm process can serve overlapping invocations (offline, tests).
  const startedAt = new WeakMap<object, number>();
  const done = (request: Request) => {
    const { event, context } = request;
    const status = (request.response as { statusCode?: number } | undefined)?.statusCode ?? 500;
    const line: Record<string, unknown> = {
      level: status >= 500 ? 'error' : 'info',
      requestId: context.awsRequestId,
      function: context.functionName,
      surface,
      tenantId: context.tenantId,
      // The route template, never the raw path: inventory paths carry the API token.
      route: event.routeKey ?? event.requestContext?.routeKey ?? `${requestMethod(event)} ${event.resource ?? event.requestContext?.resourcePath ?? ''}`,
      status,
      durationMs: Math.round((performance.now() - (startedAt.get(request) ?? performance.now())) * 100) / 100,
    };
    if (status >= 500 && request.error) {
      line.error = { name: request.error.name, message: request.error.message, stack: request.error.stack };
    }
    log(line);
    publishRequestMetrics(context.functionName, status, line.durationMs as number);
  };
  return {
    middleware: {
      before: (request) => {
        startedAt.set(request, performance.now());
        logInvocation(request.context, request.event.requestContext?.requestId);
      },
    },
    plugin: { requestEnd: (request) => done(request as Request) },
  };
};
