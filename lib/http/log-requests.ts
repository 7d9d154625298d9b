import type middy from '@middy/core';
import type { TenantContext } from './auth';
import { requestMethod, type ParsedEvent } from './event';
import { log, logInvocation } from '../log';
import { publishRequestMetrics } from '../metrics';

/**
 * Logs one line per request; a 5xx also logs the error with its stack (never sent to the client).
 * Then publishes the request's metrics (lib/metrics) with the handler's business counts.
 */
export const logRequests = (surface: string): middy.MiddlewareObj<ParsedEvent, unknown, Error, TenantContext> => {
  // Keyed by request: one warm process can serve overlapping invocations (offline, tests).
  const startedAt = new WeakMap<object, number>();
  const done = (request: middy.Request<ParsedEvent, unknown, Error, TenantContext>) => {
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
    before: (request) => {
      startedAt.set(request, performance.now());
      logInvocation(request.context, request.event.requestContext?.requestId);
    },
    after: done,
    onError: done,
  };
};
