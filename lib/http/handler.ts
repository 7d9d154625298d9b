/**
 * The one handler factory. Every HTTP function is `handler({ surface, input }, fn)`:
 * a zod schema over { path, query, body, headers }, one domain call, a reply.
 * The middy stack around it is the same for every endpoint (order matters, see comments).
 */
import middy from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpResponseSerializer from '@middy/http-response-serializer';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { remainingTimeOf } from '../deadline';
import { toXml } from '../xml';
import { authenticate, type TenantContext } from './auth';
import { finishBody, parseBody, rawQuery } from './body';
import { mapErrors } from './errors';
import { pathParams, type HttpEvent } from './event';
import { claimKey, keyedRequest, skipWhenReplayed } from './idempotency';
import { parseForm } from './form';
import { refusePaddedFormQuantity } from './form-quantity';
import { contentTypes, negotiateFormat } from './format';
import { logRequests } from './log-requests';
import { surfaces, type SurfaceName } from './surfaces';
import { validate } from './validate';

export interface Reply {
  statusCode?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export interface HandlerContext {
  /** Empty for the one unauthenticated surface (oauth). */
  tenantId: string;
  requestId: string;
  /**
   * Milliseconds this invocation has left (Lambda's clock; lib/deadline.ts's 29 s default when
   * called without a Lambda context). Stop starting writes well before it reaches 0.
   */
  remainingTimeMs(): number;
}

export interface HandlerOptions<S extends z.ZodType> {
  surface: SurfaceName;
  input: S;
  /** Unwraps `{inventory_unit: {...}}` / XML `<content>` bodies; an unwrapped body is accepted as is. */
  bodyRoot?: string;
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

function unwrap(body: unknown, root: string | undefined): unknown {
  if (!root || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const inner = (body as Record<string, unknown>)[root];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) && Object.hasOwn(body, root) ? inner : body;
}

function xmlBody(surfaceName: SurfaceName, body: Record<string, unknown>): string {
  const { root, dasherize, railsTypes } = surfaces[surfaceName].xml;
  if (root) return toXml(root, body, { dasherize, railsTypes });
  const [key] = Object.keys(body);
  return toXml(key ?? 'response', key ? body[key] : {}, { dasherize, railsTypes });
}

export function handler<S extends z.ZodType>(
  options: HandlerOptions<S>,
  fn: (input: z.output<S>, ctx: HandlerContext) => Promise<Reply>,
): (event: HttpEvent, context: Context) => Promise<HttpResult> {
  const { surface, input, bodyRoot } = options;
  const core = async (event: HttpEvent, context: Context & TenantContext): Promise<Reply> => {
    const params = validate(input, {
      path: pathParams(event),
      query: parseForm(rawQuery(event)),
      body: unwrap(event.body, bodyRoot),
      headers: event.headers ?? {},
    });
    const reply = await fn(params, {
      tenantId: context.tenantId ?? '',
      requestId: context.awsRequestId,
      remainingTimeMs: remainingTimeOf(context),
    });
    return { statusCode: reply.statusCode ?? 200, headers: reply.headers ?? {}, body: reply.body };
  };

  return middy(skipWhenReplayed(core) as never)
    .use(logRequests(surface)) // first: its after/onError run last and see the final status
    .use(httpEventNormalizer())
    .use(httpHeaderNormalizer())
    .use(keyedRequest(surface)) // before the serializer: its after stores the final answer
    .use(negotiateFormat())
    .use(
      httpResponseSerializer({
        serializers: [
          {
            regex: /xml/,
            serializer: (response: Reply) => ({
              ...response,
              headers: { ...response.headers, 'Content-Type': contentTypes.xml },
              body: xmlBody(surface, response.body),
            }),
          },
          {
            regex: /json/,
            serializer: (response: Reply) => ({
              ...response,
              headers: { ...response.headers, 'Content-Type': contentTypes.json },
              body: JSON.stringify(response.body),
            }),
          },
        ],
        defaultContentType: 'application/json',
      }),
    )
    .use(mapErrors(surface)) // after the serializer: on error it runs first and writes the body itself
    .use(parseBody())
    .use(finishBody())
    .use(authenticate(surface))
    .use(refusePaddedFormQuantity())
    .use(claimKey(surface)) as never; // after auth: keys are the tenant's
}
