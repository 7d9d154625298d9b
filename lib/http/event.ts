/**
 * API Gateway events as Allot reads them: HTTP API (payload 2.0) and REST API (payload 1.0,
 * as pasted from the console's test templates) share the fields used here.
 */
export interface HttpEvent {
  version?: string;
  rawPath?: string;
  rawQueryString?: string;
  path?: string;
  httpMethod?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  body?: string | null;
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

export function requestPath(event: HttpEvent): string {
  return event.rawPath ?? event.requestContext?.http?.path ?? event.path ?? '/';
}

/** `.xml` / `.json` at the end of the path picks the response format. */
export function pathFormat(event: HttpEvent): 'xml' | 'json' | undefined {
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
export function pathParams(event: HttpEvent): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) params[key] = stripFormat(value);
  }
  return params;
}
