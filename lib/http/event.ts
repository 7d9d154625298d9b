/**
 * API Gateway events as Allot reads them: HTTP API (payload 2.0) and REST API (payload 1.0,
 * as pasted from the console's test templates) share the fields used here.
 */
export interface EventFields {
  version?: string;
  rawPath?: string;
  rawQueryString?: string;
  path?: string;
  httpMethod?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  isBase64Encoded?: boolean;
  requestContext?: {
    requestId?: string;
    http?: { method?: string; path?: string };
    routeKey?: string;
    resourcePath?: string;
  };
  routeKey?: string;
  resource?: string;
}

/** The event as API Gateway sends it: the body is the raw text (base64 when isBase64Encoded). */
export interface HttpEvent extends EventFields {
  body?: string | null;
}

/**
 * The event inside the handler's middleware stack. parseBody (lib/http/body.ts) replaces the raw
 * body with the parsed params ({} when there was none): middlewares that run after it, and the
 * handler, read `body` as params. Every middleware of the stack is typed on this event, since
 * middy gives the whole stack one event type.
 */
export interface ParsedEvent extends EventFields {
  body?: unknown;
  /** The document element's name when the body was XML (lib/http/body.ts). */
  xmlRoot?: string;
}

export function requestPath(event: EventFields): string {
  return event.rawPath ?? event.requestContext?.http?.path ?? event.path ?? '/';
}

/** `.xml` / `.json` at the end of the path picks the response format. */
export function pathFormat(event: EventFields): 'xml' | 'json' | undefined {
  const path = requestPath(event);
  if (path.endsWith('.xml')) return 'xml';
  if (path.endsWith('.json')) return 'json';
  return undefined;
}

/** `52.xml` -> `52`, `52.json` -> `52`, anything else as is. */
function stripFormat(value: string): string {
  if (value.endsWith('.xml')) return value.slice(0, -4);
  if (value.endsWith('.json')) return value.slice(0, -5);
  return value;
}

/** Path parameters with a trailing format suffix removed (`52.xml` -> `52`). */
export function pathParams(event: EventFields): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) params[key] = stripFormat(value);
  }
  return params;
}

export function requestMethod(event: EventFields): string {
  return (event.requestContext?.http?.method ?? event.httpMethod ?? 'GET').toUpperCase();
}

/** The query string as sent: v2 events carry it raw, v1 events as multi-value params. */
export function rawQuery(event: EventFields): string {
  if (typeof event.rawQueryString === 'string') return event.rawQueryString;
  const search = new URLSearchParams();
  const multi = event.multiValueQueryStringParameters ?? {};
  const single = event.queryStringParameters ?? {};
  for (const [key, values] of Object.entries(multi)) for (const v of values ?? []) search.append(key, v);
  for (const [key, value] of Object.entries(single)) if (!(key in multi) && value !== undefined) search.append(key, value);
  return search.toString();
}
