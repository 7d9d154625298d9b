/**
 * The OpenAPI document: generated from the handlers' own zod schemas, it covers every route of
 * serverless.yml, the committed docs/openapi.json is what the code generates today, and each
 * documented request example (the console events of events/) passes the handler's schema.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HandlerDefinition } from '../../../lib/http/handler';
import { parseForm } from '../../../lib/http/form';
import { handler as openApiDocument } from '../../../functions/docs/openapi-json';
import { handler as docsPage } from '../../../functions/docs/docs-page';
import { listFunctions } from '../../../scripts/functions';
import { buildOpenApiDocument, documentationFunctions, eventExample, exampleBody } from '../../../scripts/openapi-document';
import { repoRoot } from '../../../scripts/tables';
import { call } from '../../helpers/http';

type Json = Record<string, unknown>;
const httpFunctions = listFunctions().filter((f) => f.routes.length > 0);
let generated: Json;

beforeAll(async () => {
  generated = await buildOpenApiDocument();
}, 60_000);

describe('the document', () => {
  it('is OpenAPI 3.1 with the three surfaces\' auth schemes', () => {
    expect(generated.openapi).toBe('3.1.0');
    const schemes = (generated.components as { securitySchemes: Json }).securitySchemes;
    expect(Object.keys(schemes).sort()).toEqual(['BearerToken', 'ClientCredentials', 'TokenHeader']);
    expect(schemes.ClientCredentials).toMatchObject({ flows: { clientCredentials: { tokenUrl: '/oauth2/access_token' } } });
  });

  it.each(httpFunctions.flatMap((f) => f.routes.map((r) => [`${r.method} ${r.path}`, f.name] as const)))('documents %s (%s)', (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const item = (generated.paths as Record<string, Json | undefined>)[path];
    expect(item?.[method.toLowerCase()], `${route} is missing from the document`).toBeDefined();
  });

  it('is the one committed in docs/openapi.json (run `npm run openapi` after changing a route or schema)', () => {
    const committed = JSON.parse(readFileSync(resolve(repoRoot, 'docs/openapi.json'), 'utf8')) as Json;
    expect(committed).toEqual(JSON.parse(JSON.stringify(generated)));
  });

  it('documents Idempotency-Key on every POST and PUT but the token endpoint, and X-Pagination on the inventory lists', () => {
    for (const [path, item] of Object.entries(generated.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        const names = ((op.parameters ?? []) as { name: string }[]).map((p) => p.name);
        const write = (method === 'post' || method === 'put') && path !== '/oauth2/access_token';
        expect(names.includes('Idempotency-Key'), `${method} ${path}`).toBe(write);
      }
    }
    const responses = (generated.components as { responses: Record<string, Json> }).responses;
    expect(responses.searchInventoryUnits_200).toMatchObject({ headers: { 'X-Pagination': expect.any(Object) } });
  });
});

describe.each(httpFunctions.filter((f) => !documentationFunctions.includes(f.name)).map((f) => [f.name, f] as const))('%s', (_name, fn) => {
  it('its documented example request passes the schema the handler validates with', async () => {
    const mod = (await import(fn.sourcePath)) as Record<string, { definition: HandlerDefinition }>;
    const { input, bodyRoot } = mod[fn.exportName]!.definition;
    const event = eventExample(fn);
    expect(event, `events/${fn.name}.json`).toBeDefined();
    let body: unknown = exampleBody(event) ?? {};
    if (bodyRoot && typeof body === 'object' && body !== null && Object.hasOwn(body, bodyRoot)) body = (body as Json)[bodyRoot];
    const query = parseForm((event as { rawQueryString?: string }).rawQueryString ?? '');
    const result = input.safeParse({ path: event!.pathParameters ?? {}, query, body, headers: {} });
    expect(result.error?.issues ?? []).toEqual([]);
  });
});

describe('served', () => {
  it('GET /openapi.json answers the committed document', async () => {
    const res = await call(openApiDocument, { path: '/openapi.json', route: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual(JSON.parse(readFileSync(resolve(repoRoot, 'docs/openapi.json'), 'utf8')));
  });

  it('GET /docs is a page whose scripts and styles come from this server, not a CDN', async () => {
    const res = await call(docsPage, { path: '/docs', route: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
    const sources = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) expect(source.startsWith('/docs/')).toBe(true);
    for (const source of sources) {
      const asset = await call(docsPage, { path: source, route: '/docs/{file}' });
      expect(asset.statusCode, source).toBe(200);
      expect(asset.body.length).toBeGreaterThan(0);
    }
  });

  it('GET /docs/<anything else> is 404 and never reads outside the package', async () => {
    for (const file of ['index.html', '..%2Fpackage.json', 'swagger-ui-bundle.js.map']) {
      const res = await call(docsPage, { path: `/docs/${file}`, route: '/docs/{file}' });
      expect(res.statusCode, file).toBe(404);
    }
  });
});
