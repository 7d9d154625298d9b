/**
 * Request body reading: size limit, Content-Type sniffing, JSON, form and XML parsing, 415,
 * nesting limits and merging bracket-named query params. Hand-written rather than
 * @middy/http-json-body-parser / http-urlencode-body-parser because those answer malformed
 * JSON with 415 (the SPEC wants 400), reject empty bodies and read no bracket names.
 */
import type middy from '@middy/core';
import {
  MalformedRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../errors';
import { mergeParams, parseForm, type Params } from './form';
import { rawQuery, requestMethod, type ParsedEvent } from './event';

export const maxBodyBytes = 1024 * 1024;
export const maxNesting = 32;

type Request = middy.Request<ParsedEvent>;

/** The body as API Gateway sent it, before parseBody replaced it. */
export interface BodyAsSent {
  body?: unknown;
  isBase64Encoded?: boolean;
}

const formType = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const xmlType = /^(application|text)\/xml\s*(;|$)/i;
const jsonType = /^application\/(.+\+)?json\s*(;|$)/i;

// No Content-Type: XML if it looks like XML, else JSON (SPEC section 3).
const typeOf = (text: string, contentType: string) =>
  contentType || (text.trimStart().startsWith('<') ? 'application/xml' : 'application/json');

const isXml = (text: string, contentType: string) => xmlType.test(typeOf(text, contentType));

/**
 * The XML reader (fast-xml-parser and its checks, lib/xml/read.ts) is loaded on the first XML
 * body, not at cold start: most requests send JSON or nothing (issue 26; esbuild keeps it in the
 * bundle and runs its module code only then).
 */
const xmlReader = () => import('../xml/read');

async function decode(text: string, contentType: string): Promise<unknown> {
  const type = typeOf(text, contentType);
  if (jsonType.test(type)) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new MalformedRequestError('Malformed JSON', { cause: err });
    }
  }
  if (formType.test(type)) return parseForm(text);
  if (xmlType.test(type)) {
    const { parseXml, XmlError } = await xmlReader();
    try {
      return parseXml(text);
    } catch (err) {
      if (err instanceof XmlError) throw new MalformedRequestError(err.message, { cause: err });
      throw err;
    }
  }
  throw new UnsupportedMediaTypeError(type);
}

/**
 * Replaces `event.body` (a string, maybe base64) with the parsed params; no body gives {}.
 * The body as sent stays in `request.internal.bodyAsSent` (the Idempotency-Key fingerprint,
 * lib/http/idempotency.ts).
 */
export const parseBody = (): middy.MiddlewareObj<ParsedEvent> => ({
  before: async (request: Request) => {
    const { event } = request;
    const body = event.body;
    (request.internal as { bodyAsSent?: BodyAsSent }).bodyAsSent = { body, isBase64Encoded: event.isBase64Encoded };
    if (typeof body !== 'string' || body === '') {
      event.body = {};
      return;
    }
    const bytes = event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body);
    if (bytes > maxBodyBytes) throw new PayloadTooLargeError();
    const text = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
    event.isBase64Encoded = false;
    event.body = text.trim() === '' ? {} : await decode(text, event.headers?.['content-type'] ?? '');
    if (isXml(text, event.headers?.['content-type'] ?? '') && isParams(event.body)) event.xmlRoot = Object.keys(event.body)[0];
  },
});

/** Depth of nested objects/arrays, stopping as soon as `limit` is passed. */
export function nestingExceeds(value: unknown, limit: number, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth >= limit) return true;
  for (const child of Object.values(value)) if (nestingExceeds(child, limit, depth + 1)) return true;
  return false;
}

/**
 * After all parsers: rejects over-deep bodies and, for PUT/POST, merges bracket-named query
 * params into the body (some clients send `inventory_unit[quantity]=5` in the URL).
 */
export const finishBody = (): middy.MiddlewareObj<ParsedEvent> => ({
  before: (request: Request) => {
    const { event } = request;
    const body = event.body;
    if (nestingExceeds(body, maxNesting)) throw new MalformedRequestError(`Body nested deeper than ${maxNesting} levels`);
    const method = requestMethod(event);
    if ((method === 'PUT' || method === 'POST') && isParams(body)) {
      const fromQuery = parseForm(rawQuery(event));
      for (const key of Object.keys(fromQuery)) if (!isParams(fromQuery[key])) delete fromQuery[key];
      mergeParams(body, fromQuery);
    }
  },
});

function isParams(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
