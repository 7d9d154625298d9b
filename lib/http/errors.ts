/**
 * Maps every thrown error to the called surface's status and body (SPEC section 3) and
 * writes it in the negotiated format. A 5xx says only that something failed, with the
 * request id; the stack goes to the log.
 */
import type middy from '@middy/core';
import { AppError, ServiceUnavailableError } from '../errors';
import { isUnavailable } from '../db/errors';
import { toXml } from '../xml/write';
import type { ParsedEvent } from './event';
import { contentTypes, responseFormat } from './format';
import { surfaces, type ErrorReply, type SurfaceName } from './surfaces';

export const retryAfterSeconds = '1';

interface HttpLikeError {
  statusCode?: number;
  expose?: boolean;
  message: string;
}

export function errorReply(surfaceName: SurfaceName, error: unknown, requestId: string): ErrorReply & { messages: string[] } {
  const surface = surfaces[surfaceName];
  const err = isUnavailable(error) ? new ServiceUnavailableError({ cause: error }) : error;
  if (err instanceof AppError) {
    if (err.kind === 'unauthenticated') {
      const reason = (err as AppError & { reason?: 'missing' | 'invalid' }).reason ?? 'invalid';
      const reply = surface.unauthenticated(reason);
      return { ...reply, messages: [messageOf(reply.body)] };
    }
    if (err.kind === 'unavailable') {
      return {
        statusCode: 503,
        headers: { 'Retry-After': retryAfterSeconds },
        body: surface.errorBody(err.message, err.code),
        messages: [err.message],
      };
    }
    const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
    return {
      statusCode: surface.status[err.kind],
      ...(retryAfter === undefined ? {} : { headers: { 'Retry-After': String(retryAfter) } }),
      body: surface.errorBody(err.message, err.code),
      messages: [err.message],
    };
  }
  // Errors raised by middy's own middlewares (createError) carry a status and `expose`.
  const httpError = err as HttpLikeError;
  if (typeof httpError?.statusCode === 'number' && httpError.statusCode < 500 && httpError.expose) {
    return { statusCode: httpError.statusCode, body: surface.errorBody(httpError.message), messages: [httpError.message] };
  }
  const message = `Internal server error (request id ${requestId})`;
  return { statusCode: 500, body: surface.errorBody(message), messages: [message] };
}

function messageOf(body: Record<string, unknown> | string): string {
  if (typeof body === 'string') return body.trim();
  const value = body.errors ?? body.reason ?? body.detail ?? body.error_description ?? body.error;
  return Array.isArray(value) ? String(value[0]) : String(value);
}

export const mapErrors = (surfaceName: SurfaceName): middy.MiddlewareObj<ParsedEvent> => ({
  onError: (request) => {
    const requestId = request.context.awsRequestId ?? 'unknown';
    const reply = errorReply(surfaceName, request.error, requestId);
    const headers: Record<string, string> = { ...reply.headers };
    let body: string;
    if (typeof reply.body === 'string') {
      headers['Content-Type'] = 'text/plain; charset=utf-8';
      body = reply.body;
    } else if (responseFormat(request) === 'xml') {
      headers['Content-Type'] = contentTypes.xml;
      body = toXml('errors', reply.messages);
    } else {
      headers['Content-Type'] = contentTypes.json;
      body = JSON.stringify(reply.body);
    }
    request.response = { statusCode: reply.statusCode, headers, body };
  },
});
