/**
 * Handlers for the public, static routes (the API description and its page): no credential,
 * no body, nothing stored, so the surface stack (auth, body parsing, error shapes) does not
 * apply; they still log one line per request like every other function.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { TenantContext } from './auth';
import type { HttpEvent, ParsedEvent } from './event';
import type { HttpResult } from './handler';
import { logRequests } from './log-requests';

export function publicHandler(
  fn: (event: ParsedEvent) => Promise<HttpResult> | HttpResult,
): (event: HttpEvent, context: Context) => Promise<HttpResult> {
  return middy<ParsedEvent, HttpResult, Error, TenantContext>(async (event: ParsedEvent) => fn(event)).use(logRequests('docs'));
}
