/**
 * The one handler factory. Every HTTP function is `handler({ surface, input }, fn)`:
 * a zod schema over { path, query, body, headers }, one domain call, a reply.
 * The middy stack around it is the same for every endpoint (order matters, see comments).
 * The reply is serialised here, in the innermost function, so the stack's response type is
 * the HTTP result throughout (a serializer middleware would change it halfway up the stack).
 */
import middy from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { remainingTimeOf } from '../deadline';
import { toXml } from '../xml/write';
import { authenticate, type TenantContext } from './auth';
import { finishBody, parseBody } from './body';
import { mapErrors } from './errors';
import { pathParams, rawQuery, type HttpEvent, type ParsedEvent } from './event';
import { parseForm } from './form';
import { refusePaddedFormQuantity } from './form-quantity';
import { contentTypes, negotiateFormat, responseFormat } from './format';
import { idempotency, tracked, type TrackedContext } from './idempotency';
import { logRequests } from './log-requests';
import { surfaces, type SurfaceName } from './surfaces';
import type { HttpResult } from './types';
import { validate } from './validate';

export type { HttpResult } from './types';

export interface Reply {
  statusCode?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  /** Sent as is instead of `body` (a CSV export): neither JSON nor XML. */
  text?: { body: string; contentType: string };
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
  /**
   * With an Idempotency-Key: an id stable across the request's retries (the key and the
   * request's fingerprint, hashed; lib/http/idempotency.ts). Undefined without a key.
   */
  requestKey?: string;
}

export interface HandlerOptions<S extends z.ZodType> {
  surface: SurfaceName;
  input: S;
  /**
   * The success body (JSON; its XML form follows the surface's rules), from the surface's
   * `lib/<surface>/responses.ts`. Documentation and the conformance test's contract: the reply is
   * not checked against it at run time.
   */
  output: z.ZodType;
  /** The success status (default 200). */
  status?: 200 | 201;
  /** The media type of a text reply (`Reply.text`) instead of JSON/XML: `output` then describes the text. */
  textType?: string;
  /** Unwraps `{inventory_unit: {...}}` / XML `<content>` bodies; an unwrapped body is accepted as is. */
  bodyRoot?: string;
}

/** What a handler was built from; scripts/openapi-document.ts describes the API from it. */
export interface HandlerDefinition {
  surface: SurfaceName;
  input: z.ZodType;
  output: z.ZodType;
  status?: 200 | 201;
  textType?: string;
  bodyRoot?: string;
}

export type HttpHandler = ((event: HttpEvent, context: Context) => Promise<HttpResult>) & {
  definition: HandlerDefinition;
};

function unwrap(body: unknown, root: string | undefined): unknown {
  if (!root || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const inner = (body as Record<string, unknown>)[root];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) && Object.hasOwn(body, root) ? inner : body;
}

/**
 * Surfaces that read XML like Django REST framework's XMLParser (enrollment, oauth) take the
 * document element's children whatever the root is called (`<root>`, `<request>`...).
 */
function xmlDocumentContent(surface: SurfaceName, event: ParsedEvent): unknown {
  if (!surfaces[surface].xml.anyRequestRoot || event.xmlRoot === undefined) return event.body;
  const inner = (event.body as Record<string, unknown>)[event.xmlRoot];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? inner : {};
}

/** A success body as XML, in the surface's style (also the OpenAPI document's XML examples). */
export function successXml(surfaceName: SurfaceName, body: Record<string, unknown>): string {
  const { root, dasherize, railsTypes } = surfaces[surfaceName].xml;
  if (root) return toXml(root, body, { dasherize, railsTypes });
  const [key] = Object.keys(body);
  return toXml(key ?? 'response', key ? body[key] : {}, { dasherize, railsTypes });
}

/** JSON, or XML when the path or Accept header asks for it (lib/http/format.ts). */
function serialize(surface: SurfaceName, reply: Reply, event: ParsedEvent, context: TenantContext): HttpResult {
  if (reply.text) {
    return { statusCode: reply.statusCode ?? 200, headers: { ...reply.headers, 'Content-Type': reply.text.contentType }, body: reply.text.body };
  }
  const xml = responseFormat({ event, context }) === 'xml';
  return {
    statusCode: reply.statusCode ?? 200,
    headers: { ...reply.headers, 'Content-Type': xml ? contentTypes.xml : contentTypes.json },
    body: xml ? successXml(surface, reply.body) : JSON.stringify(reply.body),
  };
}

// middy types this normaliser for REST API (v1) events only; it normalises HTTP API (v2) ones too.
const normalizeEvent = httpEventNormalizer() as middy.MiddlewareObj<ParsedEvent>;

export function handler<S extends z.ZodType>(
  options: HandlerOptions<S>,
  fn: (input: z.output<S>, ctx: HandlerContext) => Promise<Reply>,
): HttpHandler {
  const { surface, input, output, status, textType, bodyRoot } = options;
  const core = async (event: ParsedEvent, context: TrackedContext): Promise<HttpResult> => {
    const params = validate(input, {
      path: pathParams(event),
      query: parseForm(rawQuery(event)),
      body: unwrap(xmlDocumentContent(surface, event), bodyRoot),
      headers: event.headers ?? {},
    });
    const reply = await fn(params, {
      tenantId: context.tenantId ?? '',
      requestId: context.awsRequestId,
      remainingTimeMs: remainingTimeOf(context),
      ...(context.requestKey === undefined ? {} : { requestKey: context.requestKey }),
    });
    return serialize(surface, reply, event, context);
  };

  const requestLog = logRequests(surface);
  // middy runs `before` in use order, `after` and `onError` in reverse (last used first).
  const stack = middy<ParsedEvent, HttpResult, Error, TrackedContext>(tracked(core), requestLog.plugin)
    .use(requestLog.middleware) // first: starts the clock; the line is written at requestEnd, with the final status
    .use(normalizeEvent)
    .use(httpHeaderNormalizer())
    .use(negotiateFormat())
    .use(parseBody()) // keeps the body as sent in request.internal (the Idempotency-Key fingerprint)
    .use(finishBody())
    .use(authenticate(surface))
    .use(refusePaddedFormQuantity())
    .use(idempotency(surface)) // after auth (keys are the tenant's); its onError runs after mapErrors'
    .use(mapErrors(surface)); // last: on error it runs first and writes the answer the others see
  return Object.assign(stack, { definition: { surface, input, output, status, textType, bodyRoot } });
}
