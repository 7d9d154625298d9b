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
import { successXml, type HandlerDefinition } from '../lib/http/handler';
import { errorSchemas } from '../lib/http/error-schemas';
import { surfaces, type SurfaceName } from '../lib/http/surfaces';
import { toXml } from '../lib/xml';
import { listFunctions, type FunctionDefinition } from './functions';
import { repoRoot } from './tables';

type Json = Record<string, unknown>;

/** Functions that serve the description itself: plain routes, documented by hand below. */
export const documentationFunctions = ['openApiDocument', 'docsPage'];

const surfaceInfo: Record<SurfaceName, { tag: string; description: string; security: Json[] }> = {
  units: {
    tag: 'Course units (LearningLogin-compatible)',
    description: 'Units bought by the account and spent by assigning courses to logins. `Authorization: Token token="..."`; XML inside `<content>`, Rails style.',
    security: [{ TokenHeader: [] }],
  },
  inventory: {
    tag: 'Inventory units (Aligni-compatible)',
    description: 'Stock of parts and its reference data. The credential is the `{api_token}` path segment (no security scheme can say so); errors are `{"errors": [...]}`.',
    security: [],
  },
  enrollment: {
    tag: 'Enrollment codes (Open edX-compatible)',
    description: 'Single-use codes for a course, redeemed to enroll. Bearer token from POST /oauth2/access_token; errors are `{"success": "false", "reason": ...}` with 400.',
    security: [{ ClientCredentials: [] }, { BearerToken: [] }],
  },
  oauth: { tag: 'OAuth 2.0 token', description: 'Client credentials grant for the enrollment surface (RFC 6749 section 4.4).', security: [] },
};

/** A zod schema as the document's JSON Schema (its `$schema` line dropped: OpenAPI 3.1 sets the dialect). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const converted = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete converted.$schema;
  return simplified(converted) as Json;
}

/**
 * `anyOf` with an empty branch accepts anything (zod writes one for a field preprocessed from
 * `unknown`, e.g. `cost_per_unit` read from a number or a string): say so plainly.
 */
function simplified(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(simplified);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Json).map(([k, v]) => [k, simplified(v)] as const);
  const object = Object.fromEntries(entries) as Json;
  const anyOf = object.anyOf as Json[] | undefined;
  if (anyOf?.some((b) => Object.keys(b).length === 0)) delete object.anyOf;
  return object;
}

/** Which answers a route variant gives: `.xml` routes only XML, `.json` routes only JSON, others either. */
type Variant = 'any' | 'xml' | 'json';

const variantOf = (route: string): Variant => (route.endsWith('.xml') ? 'xml' : route.endsWith('.json') ? 'json' : 'any');

/** Media types of an answer in the route's variant. */
function media(variant: Variant, json: Json | undefined, xml: Json | undefined): Json {
  return {
    ...(variant !== 'xml' && json ? { 'application/json': json } : {}),
    ...(variant !== 'json' && xml ? { 'application/xml': xml } : {}),
  };
}

/**
 * XML is text to a validator (Prism checks it as a string): the schema pins the root element
 * (the pattern), the description names the elements, the example is the real answer.
 */
function xmlText(root: string | undefined, description: string): Json {
  const name = root ? root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '[A-Za-z_][\\w.-]*';
  return { type: 'string', contentMediaType: 'application/xml', description, pattern: `^(<\\?xml[^>]*>\\s*)?<${name}[\\s/>]` };
}

const errorXml = {
  schema: xmlText('errors', 'Root `<errors>` with one `<error>` element holding the message.'),
  example: toXml('errors', ['email must be a valid email address']),
};

interface ErrorCase {
  status: number;
  why: string;
  retryAfter?: boolean;
}

/** Every error status an operation can answer, from lib/http/surfaces.ts and lib/http/handler.ts's stack. */
function errorCases(surface: SurfaceName, op: { hasBody: boolean; write: boolean; hasIds: boolean }): ErrorCase[] {
  const { status } = surfaces[surface];
  const cases: ErrorCase[] = [{ status: status.invalid, why: 'Invalid input or a business rule refused the request; nothing changed.' }];
  if (op.hasIds || status.not_found === status.invalid) cases.push({ status: status.not_found, why: 'Not found (another tenant\'s resource is answered the same way).' });
  if (op.hasBody) {
    cases.push({ status: status.malformed, why: 'The body could not be read (malformed JSON or XML, nesting deeper than 32 levels).' });
    cases.push({ status: status.too_large, why: 'Body larger than 1 MiB.' });
    cases.push({ status: status.unsupported_media, why: 'Content-Type other than JSON, XML or form.' });
  }
  if (op.write && surface !== 'oauth') {
    cases.push({ status: status.conflict, why: 'A request with this Idempotency-Key is still running.' });
    cases.push({ status: status.key_reused, why: 'Idempotency-Key reused with a different request.' });
  }
  if (surface === 'oauth') cases.push({ status: status.rate_limited, why: 'Too many failed client authentications (`slow_down`); retry after the given seconds.', retryAfter: true });
  cases.push({ status: 503, why: 'DynamoDB busy or unreachable; nothing was written. Retry after the given seconds.', retryAfter: true });
  return cases;
}

const retryAfterHeader = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'string', pattern: '^\\d+$' } } };

function errorResponses(surface: SurfaceName, variant: Variant, op: { hasBody: boolean; write: boolean; hasIds: boolean }): Json {
  const s = surfaces[surface];
  const body = { schema: jsonSchema(errorSchemas[surface].error, 'output'), example: s.errorBody(surface === 'enrollment' ? 'course_id is required' : 'email must be a valid email address') };
  const byStatus = new Map<number, ErrorCase[]>();
  for (const c of errorCases(surface, op)) byStatus.set(c.status, [...(byStatus.get(c.status) ?? []), c]);
  const responses: Json = {};
  for (const [status, cases] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retry = cases.some((c) => c.retryAfter);
    responses[String(status)] = {
      description: cases.map((c) => c.why).join(' Or: '),
      ...(retry ? { headers: retryAfterHeader } : {}),
      content: media(variant, body, errorXml),
    };
  }
  const unauth = s.unauthenticated('missing');
  const unauthSchema = jsonSchema(errorSchemas[surface].unauthenticated, 'output');
  responses['401'] = {
    description: 'Missing or invalid credential.',
    ...(unauth.headers?.['WWW-Authenticate'] ? { headers: { 'WWW-Authenticate': { schema: { type: 'string', const: unauth.headers['WWW-Authenticate'] } } } } : {}),
    content:
      typeof unauth.body === 'string'
        ? { 'text/plain': { schema: unauthSchema, example: unauth.body } }
        : media(variant, { schema: unauthSchema, example: unauth.body }, errorXml),
  };
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
  const schema = jsonSchema(definition.input, 'input');
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  return { path: properties.path, query: properties.query, body: properties.body };
}

/** The last path segment may end in `.xml`/`.json` (the API strips it: lib/http/event.ts `pathParams`). */
function withFormatSuffix(schema: Json): Json {
  const pattern = schema.pattern as string | undefined;
  if (!pattern) return schema;
  const core = pattern.replace(/^\^/, '').replace(/\$$/, '');
  return { ...schema, pattern: `^(?:${core})(\\.(xml|json))?$`, description: 'May end in `.xml` or `.json` to choose the answer\'s format.' };
}

function parameters(fn: FunctionDefinition, route: string, parts: ReturnType<typeof schemaParts>, method: string): Json[] {
  const example = eventExample(fn);
  const pathProps = (parts.path?.properties ?? {}) as Record<string, Json>;
  const names = [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const lastIsParam = route.endsWith('}');
  const list: Json[] = names.map((name, i) => {
    const schema = pathProps[name] ?? { type: 'string' };
    return {
      name,
      in: 'path',
      required: true,
      schema: lastIsParam && i === names.length - 1 ? withFormatSuffix(schema) : schema,
      ...(name === 'api_token' ? { description: 'The tenant\'s inventory API token (the credential of this surface).' } : {}),
      ...(example?.pathParameters?.[name] ? { example: example.pathParameters[name] } : {}),
    };
  });
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

/** A form field's schema: every value arrives as text (the handler's zod schema coerces it). */
function formLeaf(schema: Json): Json {
  if (schema.type === 'string') return schema;
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return schema;
  const text = ((schema.anyOf ?? []) as Json[]).find((b) => b.type === 'string');
  if (text) return text;
  const type = (schema.type ?? 'value') as string;
  return { type: 'string', description: `read as ${Array.isArray(type) ? type.join(' or ') : type}` };
}

/** Rails form params: nested fields as bracket names (`inventory_unit[inventory_record][comment]`), lists as `name[]`. */
function formFields(schema: Json, prefix: string, out: Record<string, Json>): void {
  for (const [key, value] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value.type === 'object' && value.properties) formFields(value, name, out);
    else if (value.type === 'array' || (Array.isArray(value.anyOf) && (value.anyOf as Json[]).some((b) => b.type === 'array'))) {
      out[`${name}[]`] = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
    } else out[name] = formLeaf(value);
  }
}

function requestBody(fn: FunctionDefinition, definition: HandlerDefinition, body: Json | undefined): Json | undefined {
  if (!body) return undefined;
  const root = definition.bodyRoot;
  const wrapped: Json | undefined = root ? { type: 'object', properties: { [root]: body }, required: [root] } : undefined;
  const json = wrapped ? { anyOf: [wrapped, body] } : body;
  const example = exampleBody(eventExample(fn));
  const form: Record<string, Json> = {};
  if (wrapped) formFields(wrapped, '', form);
  formFields(body, '', form);
  const anyRoot = surfaces[definition.surface].xml.anyRequestRoot === true;
  const xmlRoot = anyRoot ? undefined : root ?? 'content';
  const xmlDescription = anyRoot
    ? 'The fields as child elements of the document element, whatever it is called (as Django REST framework\'s XMLParser reads it; `<root>` is what its XMLRenderer writes).'
    : `Root \`<${xmlRoot}>\` with the fields as child elements (Rails \`Hash.from_xml\`: \`type="integer"\`/\`"decimal"\`/\`"array"\` attributes are read).`;
  return {
    required: false,
    description: wrapped ? `JSON as \`{"${root}": {...}}\` or the bare fields; form params as \`${root}[field]=...\` or bare names; XML inside \`<${root}>\`.` : undefined,
    content: {
      'application/json': { schema: json, ...(example !== undefined ? { example } : {}) },
      // The token endpoint reads form parameters (RFC 6749) or JSON, no XML document.
      ...(definition.surface === 'oauth' ? {} : { 'application/xml': { schema: xmlText(xmlRoot, xmlDescription), ...(xmlExample(definition, example) ?? {}) } }),
      'application/x-www-form-urlencoded': { schema: { type: 'object', properties: form } },
    },
  };
}

/** The XML form of a JSON request example (when the example is a flat object). */
function xmlExample(definition: HandlerDefinition, example: unknown): Json | undefined {
  if (typeof example !== 'object' || example === null) return undefined;
  const root = definition.bodyRoot;
  const inner = root && Object.hasOwn(example, root) ? (example as Json)[root] : example;
  const name = surfaces[definition.surface].xml.anyRequestRoot ? 'root' : (root ?? 'content');
  return { example: toXml(name, inner, { dasherize: false, railsTypes: true }) };
}

/** Recorded answers of the console events (docs/openapi-examples.json): the success examples. */
const recorded = JSON.parse(readFileSync(resolve(repoRoot, 'docs/openapi-examples.json'), 'utf8')) as Record<string, { status: number; body: unknown }>;

/** Element names of an answer's XML, from its JSON schema, for the description. */
function elementNames(schema: Json, dasherize: boolean): string[] {
  const props = Object.keys((schema.properties ?? {}) as Json);
  return props.map((p) => `<${dasherize ? p.replace(/_/g, '-') : p}>`);
}

function successResponse(fn: FunctionDefinition, definition: HandlerDefinition, variant: Variant, hasPages: boolean): Json {
  const { surface } = definition;
  const status = String(definition.status ?? 200);
  const schema = jsonSchema(definition.output, 'output');
  const example = recorded[fn.name]?.body;
  const pagination = hasPages && surface === 'inventory'
    ? { 'X-Pagination': { description: 'JSON: total_entries, total_pages, per_page, current_page, first_page, last_page, previous_page, next_page, out_of_range.', schema: { type: 'string' } } }
    : undefined;
  if (definition.textType) {
    return {
      [status]: {
        description: 'Success: CSV (one line per code after the header line), as a download.',
        headers: {
          'Content-Disposition': { schema: { type: 'string' } },
          Link: { description: 'The next page, when there is one: `<url>; rel="next"`.', schema: { type: 'string' } },
        },
        content: { [definition.textType]: { schema, ...(typeof example === 'string' ? { example } : {}) } },
      },
    };
  }
  const { root, dasherize } = surfaces[surface].xml;
  const xmlRoot = root ?? Object.keys((schema.properties ?? {}) as Json)[0];
  const inner = root ? schema : (((schema.properties ?? {}) as Record<string, Json>)[xmlRoot!] ?? {});
  const itemNote = inner.type === 'array' ? ' one child element per item, named in the singular;' : '';
  const xmlDescription =
    `Root \`<${xmlRoot}>\`;${itemNote} elements ${elementNames(inner.type === 'array' ? ((inner.items ?? {}) as Json) : inner, dasherize).join(', ') || '(none)'}` +
    `${dasherize ? ' (names dasherised, Rails `type` attributes)' : ''}; null is an empty element.`;
  const xmlExampleText = example && typeof example === 'object' ? successXml(surface, example as Json) : undefined;
  return {
    [status]: {
      description: variant === 'any' ? 'Success. JSON, or XML when Accept prefers XML (or use the `.xml` route).' : `Success (${variant.toUpperCase()}).`,
      ...(pagination ? { headers: pagination } : {}),
      content: media(
        variant,
        { schema, ...(example !== undefined ? { example } : {}) },
        { schema: xmlText(xmlRoot, xmlDescription), ...(xmlExampleText ? { example: xmlExampleText } : {}) },
      ),
    },
  };
}

/** Request bodies and responses are stored once and referenced by every operation that shares them. */
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
  const variant = variantOf(route);
  const write = method === 'POST' || method === 'PUT';
  const hasIds = [...route.matchAll(/\{(\w+)\}/g)].some((m) => m[1] !== 'api_token');
  const suffix = variant === 'any' ? '' : variant === 'xml' ? 'Xml' : 'Json';
  return {
    operationId: `${fn.name}${suffix}`,
    summary: fn.name.replace(/([A-Z])/g, ' $1').toLowerCase(),
    tags: [info.tag],
    security: info.security,
    parameters: parameters(fn, route, parts, method),
    ...(body ? { requestBody: ref('requestBodies', fn.name, body) } : {}),
    responses: {
      ...referencedResponses(successResponse(fn, definition, variant, hasPages), `${fn.name}${suffix}`),
      ...referencedResponses(
        errorResponses(definition.surface, variant, { hasBody: Boolean(body), write, hasIds }),
        `${definition.surface}${suffix}_${body ? 'body' : 'nobody'}${write ? '_write' : ''}${hasIds ? '_ids' : ''}`,
      ),
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
  '/openapi.json': {
    get: {
      operationId: 'openApiDocument',
      summary: 'this document',
      tags: ['Documentation'],
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1 JSON.', content: { 'application/json': { schema: { type: 'object', properties: { openapi: { const: '3.1.0' }, paths: { type: 'object' } }, required: ['openapi', 'paths'] } } } } },
    },
  },
  '/docs': {
    get: {
      operationId: 'docsPage',
      summary: 'this page',
      tags: ['Documentation'],
      security: [],
      responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
  '/docs/{file}': {
    get: {
      operationId: 'docsAsset',
      summary: 'the page\'s script and style files',
      tags: ['Documentation'],
      security: [],
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The file.', content: { 'text/css': { schema: { type: 'string' } }, 'text/javascript': { schema: { type: 'string' } } } },
        '404': { description: 'No such file.', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
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
    tags: [
      ...Object.values(surfaceInfo).map((s) => ({ name: s.tag, description: s.description })),
      { name: 'Documentation', description: 'This document and its Swagger UI page.' },
    ],
    paths: { ...paths, ...documentationPaths },
    components: { ...components, requestBodies: shared.requestBodies, responses: shared.responses },
  };
}
