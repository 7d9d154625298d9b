/**
 * Handlers for the public, static routes (the API description and its page): no credential,
 * no body, nothing stored, so the surface stack (auth, body parsing, error shapes) does not
 * apply; they still log one line per request like every other function.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { TenantContext } from './auth';
import type { HttpEvent, ParsedEvent } from './event';
import type { HttpResult } from './types';
import { log } from '../log';
import { logRequests } from './log-requests';

export function publicHandler(
  fn: (event: ParsedEvent) => Promise<HttpResult> | HttpResult,
): (event: HttpEvent, context: Context) => Promise<HttpResult> {
  const requestLog = logRequests('docs');
  return middy<ParsedEvent, HttpResult, Error, TenantContext>(async (event: ParsedEvent, context: TenantContext) => {
    try {
      return await fn(event);
    } catch (err) {
      // As everywhere: the cause goes to the log (logRequests sees a 500), never to the client.
      log({ level: 'error', requestId: context.awsRequestId, error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
      return { statusCode: 500, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error: 'Internal server error', request_id: context.awsRequestId }) };
    }
  }, requestLog.plugin).use(requestLog.middleware);
}
