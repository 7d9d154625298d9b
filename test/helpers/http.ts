/**
 * Builds real API Gateway events (HTTP API payload 2.0 by default, REST payload 1.0 on
 * request) and calls a handler with a Lambda-like context. No mocks: the handler runs its
 * whole middy stack against the DynamoDB Local started by test/setup.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../scripts/lambda-context';
import { deniedCalls, functionOfRoute, recordingCalls } from './iam';
import type { HttpEvent } from '../../lib/http/event';
import type { HttpResult } from '../../lib/http/handler';

export interface RequestSpec {
  method?: string;
  /** Path with query string, e.g. `/api/v2/TOKEN/parts/728/inventory_units/52.xml?x=1`. */
  path: string;
  /** Route template for path parameters, e.g. `/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}`. */
  route?: string;
  headers?: Record<string, string>;
  body?: string | Record<string, unknown> | unknown[];
  payload?: '1.0' | '2.0';
  /** Send the body base64-encoded, as API Gateway does for binary media types. */
  base64?: boolean;
}

function pathParameters(route: string | undefined, path: string): Record<string, string> | undefined {
  if (!route) return undefined;
  const names = route.split('/');
  const values = path.split('/');
  const params: Record<string, string> = {};
  names.forEach((segment, i) => {
    const m = /^\{(\w+)\}$/.exec(segment);
    if (m && values[i] !== undefined) params[m[1]!] = decodeURIComponent(values[i]!);
  });
  return params;
}

export function buildEvent(spec: RequestSpec): HttpEvent {
  const method = spec.method ?? 'GET';
  const [path, query = ''] = spec.path.split('?') as [string, string?];
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (typeof spec.body === 'string') body = spec.body;
  else if (spec.body !== undefined) {
    body = JSON.stringify(spec.body);
    headers['content-type'] = 'application/json';
  }
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers[spec.payload === '1.0' ? k : k.toLowerCase()] = v;
  // Maps, then Object.fromEntries: a `__proto__` query key must stay an own property.
  const multiMap = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(query)) multiMap.set(k, [...(multiMap.get(k) ?? []), v]);
  const multi = Object.fromEntries(multiMap);
  const single = Object.fromEntries([...multiMap].map(([k, v]) => [k, v.join(',')]));
  if (spec.base64 && body !== undefined) body = Buffer.from(body).toString('base64');
  const params = pathParameters(spec.route, path);
  const route = spec.route ?? path;
  if (spec.payload === '1.0') {
    return {
      resource: route,
      path,
      httpMethod: method,
      headers,
      queryStringParameters: query ? Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v.at(-1)!])) : null,
      multiValueQueryStringParameters: query ? multi : null,
      pathParameters: params ?? null,
      body: body ?? null,
      isBase64Encoded: spec.base64 ?? false,
      requestContext: { requestId: randomUUID(), resourcePath: route },
    };
  }
  return {
    version: '2.0',
    routeKey: `${method} ${route}`,
    rawPath: path,
    rawQueryString: query,
    headers,
    ...(query ? { queryStringParameters: single } : {}),
    ...(params ? { pathParameters: params } : {}),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: spec.base64 ?? false,
    requestContext: { requestId: randomUUID(), http: { method, path }, routeKey: `${method} ${route}` },
  };
}

export interface Response extends HttpResult {
  /** The body parsed as JSON when the response is JSON. */
  json: unknown;
}

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

// The functions' 29 s is a budget for DynamoDB; DynamoDB Local on a busy machine can be ten
// times slower, and a functional test must not turn that into a failure (no timed tests).
// Tests of the deadline itself give the domain code their own clock.
const testTimeoutMs = 10 * 60_000;

/**
 * Runs the handler on the request. When its route (or, without one, its path, matched against the
 * route templates as API Gateway matches it) is a route of serverless.yml, the handler is that function:
 * every DynamoDB call the invocation makes must be allowed by the function's IAM statements
 * (test/helpers/iam.ts; DynamoDB Local ignores IAM, AWS would refuse the call), else the call
 * throws, naming the missing actions.
 */
export async function call(fn: Handler, spec: RequestSpec): Promise<Response> {
  const event = buildEvent(spec);
  // the route as API Gateway will match it: without a template, the path itself (buildEvent)
  const owner = functionOfRoute(spec.method ?? 'GET', spec.route ?? spec.path.split('?')[0]!);
  const { result, calls } = await recordingCalls(() => fn(event, lambdaContext('test', testTimeoutMs)));
  const denied = owner ? deniedCalls(owner.iamRoleStatements, calls) : [];
  if (denied.length > 0) throw new Error(`${owner!.name}: DynamoDB calls its IAM statements do not allow: ${denied.join(', ')}`);
  const type = result.headers?.['Content-Type'] ?? '';
  return { ...result, json: type.startsWith('application/json') ? JSON.parse(result.body) : undefined };
}
