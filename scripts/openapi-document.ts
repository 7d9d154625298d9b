/**
 * Builds the OpenAPI 3.1 document from what the code already declares, so there is no second
 * copy to drift: the routes and functions of serverless.yml (scripts/functions.ts), each
 * handler's own zod input schema (`handler.definition`, converted by zod 4's `z.toJSONSchema`),
 * the error shapes of lib/http/surfaces.ts and the console events of events/ as examples.
 * `npm run openapi` writes it to docs/openapi.json, which GET /openapi.json serves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import type { HandlerDefinition } from '../lib/http/handler';
import { surfaces, type SurfaceName } from '../lib/http/surfaces';
import { listFunctions, type FunctionDefinition } from './functions';
import { repoRoot } from './tables';

type Json = Record<string, unknown>;

/** Functions that serve the description itself: plain routes, documented by hand below. */
export const documentationFunctions = ['openApiDocument', 'docsPage'];

const surfaceInfo: Record<SurfaceName, { tag: string; security: Json[] }> = {
  units: { tag: 'Course units (LearningLogin-compatible)', security: [{ TokenHeader: [] }] },
  inventory: { tag: 'Inventory units (Aligni-compatible)', security: [] },
  enrollment: { tag: 'Enrollment codes (Open edX-compatible)', security: [{ ClientCredentials: [] }, { BearerToken: [] }] },
  oauth: { tag: 'OAuth 2.0 token', security: [] },
};

/** A JSON Schema for a fixed example object: the error bodies each surface writes. */
function shapeOf(value: unknown): Json {
  if (Array.isArray(value)) return { type: 'array', items: shapeOf(value[0]) };
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Json);
    return { type: 'object', properties: Object.fromEntries(entries.map(([k, v]) => [k, shapeOf(v)])), required: entries.map(([k]) => k) };
  }
  return { type: typeof value === 'number' ? 'number' : 'string' };
}

function errorResponses(surface: SurfaceName, write: boolean): Json {
  const s = surfaces[surface];
  const body = s.errorBody('message');
  const json = (description: string, schema: Json) => ({
    description,
    content: { 'application/json': { schema }, 'application/xml': { schema: { type: 'object', xml: { name: 'errors' } } } },
  });
  const unauth = s.unauthenticated('missing');
  const responses: Json = {
    [String(s.status.invalid)]: json('Invalid input or a business rule refused the request; nothing changed.', shapeOf(body)),
    '401':
      typeof unauth.body === 'string'
        ? { description: 'Missing or invalid credential.', content: { 'text/plain': { schema: { type: 'string', example: unauth.body } } } }
        : json('Missing or invalid credential.', shapeOf(unauth.body)),
    '503': {
      description: 'DynamoDB busy or unreachable; nothing was written. Retry after the given seconds.',
      headers: { 'Retry-After': { schema: { type: 'integer' } } },
    },
  };
  if (s.status.not_found !== s.status.invalid) responses[String(s.status.not_found)] = json('Not found (or another tenant\'s).', shapeOf(body));
  if (write && surface !== 'oauth' && s.status.invalid !== 422) responses['422'] = json('Idempotency-Key reused with a different request.', shapeOf(body));
  if (write && surface !== 'oauth') responses['409'] = json('A request with this Idempotency-Key is still running.', shapeOf(body));
  return responses;
}

interface EventExample {
  routeKey?: string;
  body?: string;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
}

/** The function's console event (events/<name>.json), the documented example of its request. */
export function eventExample(fn: FunctionDefinition): EventExample | undefined {
  const file = resolve(repoRoot, 'events', `${fn.name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as EventExample) : undefined;
}

/** The example body of an event, parsed: JSON as is, form bodies as their flat pairs. */
export function exampleBody(event: EventExample | undefined): unknown {
  if (!event?.body) return undefined;
  try {
    return JSON.parse(event.body);
  } catch {
    return undefined;
  }
}

function schemaParts(definition: HandlerDefinition): { path?: Json; query?: Json; body?: Json } {
  const schema = z.toJSONSchema(definition.input, { io: 'input', unrepresentable: 'any' }) as Json;
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  return { path: properties.path, query: properties.query, body: properties.body };
}

function parameters(fn: FunctionDefinition, route: string, parts: ReturnType<typeof schemaParts>, method: string): Json[] {
  const example = eventExample(fn);
  const pathProps = (parts.path?.properties ?? {}) as Record<string, Json>;
  const names = [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const list: Json[] = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: pathProps[name] ?? { type: 'string' },
    ...(name === 'api_token' ? { description: 'The tenant\'s inventory API token (the credential of this surface).' } : {}),
    ...(example?.pathParameters?.[name] ? { example: example.pathParameters[name] } : {}),
  }));
  const queryProps = (parts.query?.properties ?? {}) as Record<string, Json>;
  const required = new Set((parts.query?.required as string[] | undefined) ?? []);
  for (const [name, schema] of Object.entries(queryProps)) {
    const value = example?.queryStringParameters?.[name];
    list.push({ name, in: 'query', required: required.has(name), schema, ...(value ? { example: value } : {}) });
  }
  if ((method === 'POST' || method === 'PUT') && fn.name !== 'accessToken') {
    list.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Send the same key with a retried request to get the first answer back instead of running it twice (24 h).',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  return list;
}

function requestBody(fn: FunctionDefinition, definition: HandlerDefinition, body: Json | undefined): Json | undefined {
  if (!body) return undefined;
  const root = definition.bodyRoot;
  const json = root && definition.surface === 'inventory' ? { anyOf: [{ type: 'object', properties: { [root]: body }, required: [root] }, body] } : body;
  const example = exampleBody(eventExample(fn));
  const xmlName = root ?? (definition.surface === 'units' ? 'content' : 'request');
  return {
    required: false,
    content: {
      'application/json': { schema: json, ...(example !== undefined ? { example } : {}) },
      'application/xml': { schema: { ...body, xml: { name: xmlName } } },
      'application/x-www-form-urlencoded': { schema: body },
    },
  };
}

function successResponse(fn: FunctionDefinition, surface: SurfaceName, hasPages: boolean): Json {
  const headers = hasPages && surface === 'inventory'
    ? { 'X-Pagination': { description: 'JSON: total_entries, total_pages, per_page, current_page, first_page, last_page, previous_page, next_page, out_of_range.', schema: { type: 'string' } } }
    : undefined;
  return {
    [fn.name.startsWith('create') ? '201' : '200']: {
      description: 'Success. JSON, or XML when the path ends in .xml or Accept prefers XML.',
      ...(headers ? { headers } : {}),
      content: { 'application/json': { schema: { type: 'object' } }, 'application/xml': { schema: { type: 'object' } } },
    },
  };
}

/** Request bodies and responses are stored once and referenced by every route variant (.xml, .json). */
const shared = { requestBodies: {} as Record<string, Json>, responses: {} as Record<string, Json> };

function ref(kind: 'requestBodies' | 'responses', name: string, value: Json): Json {
  shared[kind][name] ??= value;
  return { $ref: `#/components/${kind}/${name}` };
}

function referencedResponses(responses: Json, prefix: string): Json {
  return Object.fromEntries(Object.entries(responses).map(([status, r]) => [status, ref('responses', `${prefix}_${status}`, r as Json)]));
}

async function operation(fn: FunctionDefinition, route: string, method: string): Promise<Json> {
  const mod = (await import(fn.sourcePath)) as Record<string, { definition?: HandlerDefinition }>;
  const definition = mod[fn.exportName]?.definition;
  if (!definition) throw new Error(`${fn.name}: its handler is not built by lib/http/handler.ts, so it has no schema to document`);
  const parts = schemaParts(definition);
  const info = surfaceInfo[definition.surface];
  const hasPages = Boolean((parts.query?.properties as Json | undefined)?.page);
  const body = requestBody(fn, definition, parts.body);
  return {
    operationId: route.endsWith('.xml') ? `${fn.name}Xml` : route.endsWith('.json') ? `${fn.name}Json` : fn.name,
    summary: fn.name.replace(/([A-Z])/g, ' $1').toLowerCase(),
    tags: [info.tag],
    security: info.security,
    parameters: parameters(fn, route, parts, method),
    ...(body ? { requestBody: ref('requestBodies', fn.name, body) } : {}),
    responses: {
      ...referencedResponses(successResponse(fn, definition.surface, hasPages), fn.name),
      ...referencedResponses(errorResponses(definition.surface, method === 'POST' || method === 'PUT'), definition.surface),
    },
  };
}

const components = {
  securitySchemes: {
    TokenHeader: {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description: 'Course units: `Token token="TOKEN"` (also `Token TOKEN` or `Bearer TOKEN`). Demo: `Token token="demo-ll-token"`.',
    },
    BearerToken: { type: 'http', scheme: 'bearer', description: 'Enrollment codes: a token from POST /oauth2/access_token. Demo: cbf6a5de322cf6a4323c957a882xy1s321c954b86.' },
    ClientCredentials: {
      type: 'oauth2',
      description: 'Client credentials grant; demo client demo-client / demo-secret.',
      flows: { clientCredentials: { tokenUrl: '/oauth2/access_token', scopes: {} } },
    },
  },
};

const documentationPaths = {
  '/openapi.json': { get: { operationId: 'openApiDocument', summary: 'this document', tags: ['Documentation'], responses: { '200': { description: 'OpenAPI 3.1 JSON.' } } } },
  '/docs': { get: { operationId: 'docsPage', summary: 'this page', tags: ['Documentation'], responses: { '200': { description: 'HTML.' } } } },
  '/docs/{file}': {
    get: {
      operationId: 'docsAsset',
      summary: 'the page\'s script and style files',
      tags: ['Documentation'],
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'The file.' }, '404': { description: 'No such file.' } },
    },
  },
};

export async function buildOpenApiDocument(): Promise<Json> {
  shared.requestBodies = {};
  shared.responses = {};
  const paths: Record<string, Json> = {};
  for (const fn of listFunctions()) {
    if (documentationFunctions.includes(fn.name)) continue;
    for (const route of fn.routes) {
      const entry = (paths[route.path] ??= {});
      entry[route.method.toLowerCase()] = await operation(fn, route.path, route.method);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Allot',
      version: '1',
      description:
        'Course units (LearningLogin-compatible), inventory units (Aligni-compatible) and enrollment codes (Open edX-compatible). ' +
        'Every route also answers XML (path ending in .xml, or Accept: application/xml). Generated from the handlers\' zod schemas by `npm run openapi`.',
    },
    servers: [{ url: '/', description: 'this server' }],
    tags: [...Object.values(surfaceInfo).map((s) => ({ name: s.tag })), { name: 'Documentation' }],
    paths: { ...paths, ...documentationPaths },
    components: { ...components, requestBodies: shared.requestBodies, responses: shared.responses },
  };
}
