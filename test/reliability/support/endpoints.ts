/**
 * Every HTTP function of serverless.yml, with what the reliability tests need to call it: a
 * valid request for a tenant, the fields it reads (what hostile inputs aim at) and what
 * another tenant's credential must get. The list of functions comes from serverless.yml
 * (scripts/functions.ts) and each handler is loaded from the source file serverless.yml names,
 * so a new endpoint without an entry here makes `loadEndpoints().missing` non-empty, and the
 * tests that check it fail.
 */
import { expect } from 'vitest';
import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../../lib/http/event';
import type { HttpResult } from '../../../lib/http/handler';
import { listFunctions } from '../../../scripts/functions';
import { lambdaContext } from '../../../scripts/lambda-context';
import { buildEvent, call, type RequestSpec, type Response } from '../../helpers/http';
import { counts } from './counts';
import { referenceSpecs } from './reference-endpoints';
import { webhookSpecs } from './webhook-endpoints';
import type { World } from './world';

export type Surface = 'units' | 'inventory' | 'enrollment';
export type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export interface Input {
  params?: Record<string, string>;
  body?: RequestSpec['body'];
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface CrossTenantCase extends Input {
  /** What the other tenant's credential gets: the answer for a missing resource, or only its own data. */
  expect(res: Response): void;
}

export interface EndpointSpec {
  surface: Surface;
  /** A valid request for the tenant (path parameters other than api_token, body, query). */
  valid(w: World): Input;
  /** Body (or query) fields the handler reads. */
  fields: string[];
  /** The wrapper element/key the handler unwraps, if any. */
  bodyRoot?: string;
  /** Tenant `b`'s credential aimed at tenant `a`'s resources. */
  crossTenant(a: World, b: World): CrossTenantCase;
  /**
   * The endpoint creates a record and addresses nothing existing: with `b`'s credential it
   * creates in `b` (only `a` must stay unchanged).
   */
  createsInCaller?: boolean;
}

export interface Endpoint extends EndpointSpec {
  name: string;
  method: string;
  routes: string[];
  handler: Handler;
}

/**
 * Functions that take no tenant credential: the OAuth token endpoint (tested on its own) and
 * the API's public description (test/functions/docs).
 */
export const unauthenticatedFunctions = ['accessToken', 'openApiDocument', 'docsPage'];

const notFound = { errors: ['Not found'] };
const enrollmentFailure = (reason: string) => ({ success: 'false', reason });
const unitParams = (w: World) => ({ part_id: String(w.inventory.partId), id: String(w.inventory.unitIds[0]) });
const partParams = (w: World) => ({ part_id: String(w.inventory.partId) });
const inventoryNotFound = (params: (w: World) => Record<string, string>, body?: Record<string, unknown>) =>
  (a: World): CrossTenantCase => ({
    params: params(a),
    ...(body ? { body } : {}),
    expect: (res) => {
      expect(res.statusCode).toBe(404);
      expect(res.json).toEqual(notFound);
    },
  });

export const specs: Record<string, EndpointSpec> = {
  assignUnits: {
    surface: 'units',
    bodyRoot: 'content',
    fields: ['course_codes', 'login_ids'],
    valid: (w) => ({ body: { course_codes: [w.units.codes[0]!], login_ids: [1, 2] } }),
    crossTenant: (a) => ({
      body: { course_codes: a.units.codes, login_ids: [1] },
      expect: (res) => {
        expect(res.statusCode).toBe(422);
        expect(res.json).toEqual({ errors: 'No courses found for given codes' });
      },
    }),
  },
  listInventories: {
    surface: 'units',
    fields: [],
    valid: () => ({}),
    crossTenant: (a, b) => ({
      expect: (res) => {
        expect(res.statusCode).toBe(200);
        const codes = (res.json as { courses: { code: string }[] }).courses.map((c) => c.code);
        expect(codes).toEqual([...b.units.codes].sort());
        for (const code of a.units.codes) expect(codes).not.toContain(code);
      },
    }),
  },
  showInventoryUnit: {
    surface: 'inventory',
    fields: [],
    valid: (w) => ({ params: unitParams(w) }),
    crossTenant: inventoryNotFound(unitParams),
  },
  updateInventoryUnit: {
    surface: 'inventory',
    bodyRoot: 'inventory_unit',
    fields: ['cost_per_unit', 'serial_number', 'lot_code', 'datecode', 'details', 'purchase_order_number'],
    valid: (w) => ({ params: unitParams(w), body: { inventory_unit: { lot_code: 'LOT-2', cost_per_unit: '0.5' } } }),
    crossTenant: inventoryNotFound(unitParams, { inventory_unit: { lot_code: 'STOLEN' } }),
  },
  adjustInventoryUnitQuantity: {
    surface: 'inventory',
    bodyRoot: 'inventory_unit',
    fields: ['quantity', 'inventory_record'],
    valid: (w) => ({ params: unitParams(w), body: { inventory_unit: { quantity: '+1' } } }),
    crossTenant: inventoryNotFound(unitParams, { inventory_unit: { quantity: 0 } }),
  },
  createInventoryUnit: {
    surface: 'inventory',
    bodyRoot: 'inventory_unit',
    fields: [
      'inventory_sublocation_id', 'unit_id', 'quantity', 'asset_id', 'generate_asset_id', 'sublocation_bin',
      'cost_per_unit', 'serial_number', 'lot_code', 'inventory_record',
    ],
    valid: (w) => ({ params: partParams(w), body: { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 3 } } }),
    crossTenant: inventoryNotFound(partParams, { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 3 } }),
  },
  moveInventoryUnit: {
    surface: 'inventory',
    bodyRoot: 'inventory_unit',
    fields: ['inventory_sublocation_id', 'sublocation_bin', 'inventory_record'],
    valid: (w) => ({ params: unitParams(w), body: { inventory_unit: { inventory_sublocation_id: 2, sublocation_bin: 'B2' } } }),
    crossTenant: inventoryNotFound(unitParams, { inventory_unit: { inventory_sublocation_id: 1 } }),
  },
  splitInventoryUnit: {
    surface: 'inventory',
    bodyRoot: 'inventory_unit',
    fields: ['inventory_sublocation_id', 'quantity', 'asset_id', 'generate_asset_id', 'sublocation_bin', 'inventory_record'],
    valid: (w) => ({
      params: unitParams(w),
      body: { inventory_unit: { quantity: 1, inventory_sublocation_id: 2, generate_asset_id: 'true' } },
    }),
    crossTenant: inventoryNotFound(unitParams, { inventory_unit: { quantity: 1, inventory_sublocation_id: 1, asset_id: 'X' } }),
  },
  searchInventoryUnits: {
    surface: 'inventory',
    fields: ['field0', 'comparison0', 'term0', 'field1', 'term1', 'page', 'per_page'],
    valid: (w) => ({ query: { field0: 'asset_id', comparison0: 'equals', term0: w.inventory.assetIds[0]! } }),
    crossTenant: (a) => ({
      query: { field0: 'asset_id', comparison0: 'equals', term0: a.inventory.assetIds[0]! },
      expect: (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.json).toEqual({ inventory_units: [] });
        expect(JSON.parse(res.headers['X-Pagination']!)).toMatchObject({ total_entries: 0 });
      },
    }),
  },
  listPartInventoryUnits: {
    surface: 'inventory',
    fields: ['page', 'per_page'],
    valid: (w) => ({ params: partParams(w) }),
    crossTenant: inventoryNotFound(partParams),
  },
  listInventoryRecords: {
    surface: 'inventory',
    fields: [],
    valid: (w) => ({ params: unitParams(w) }),
    crossTenant: inventoryNotFound(unitParams),
  },
  generateEnrollmentCodes: {
    surface: 'enrollment',
    fields: ['course_id', 'total_registration_codes', 'expiration_date'],
    valid: (w) => ({ body: { course_id: w.enrollment.courseId, total_registration_codes: 2 } }),
    crossTenant: (a) => ({
      body: { course_id: a.enrollment.courseId, total_registration_codes: 2 },
      expect: (res) => {
        expect(res.statusCode).toBe(400);
        expect(res.json).toEqual(enrollmentFailure('Course not found.'));
      },
    }),
  },
  enrollUserWithCode: {
    surface: 'enrollment',
    fields: ['email', 'enrollment_code'],
    valid: (w) => ({ body: { email: 'learner@example.com', enrollment_code: w.enrollment.codes[0]! } }),
    crossTenant: (a) => ({
      body: { email: 'intruder@example.com', enrollment_code: a.enrollment.codes[1]! },
      expect: (res) => {
        expect(res.statusCode).toBe(400);
        expect(res.json).toEqual(enrollmentFailure('Enrollment code error.'));
      },
    }),
  },
  enrollmentCodeStatus: {
    surface: 'enrollment',
    fields: ['enrollment_code', 'action'],
    valid: (w) => ({ body: { enrollment_code: w.enrollment.codes[2]!, action: 'cancel' } }),
    crossTenant: (a) => ({
      body: { enrollment_code: a.enrollment.codes[2]!, action: 'cancel' },
      expect: (res) => {
        expect(res.statusCode).toBe(400);
        expect(res.json).toEqual(enrollmentFailure(`The enrollment code (${a.enrollment.codes[2]}) was not found`));
      },
    }),
  },
  listEnrollmentCodes: {
    surface: 'enrollment',
    fields: ['course_id', 'page', 'per_page'],
    valid: (w) => ({ query: { course_id: w.enrollment.courseId } }),
    crossTenant: (a) => ({
      query: { course_id: a.enrollment.courseId },
      expect: (res) => {
        expect(res.statusCode).toBe(400);
        expect(res.json).toEqual(enrollmentFailure('Course not found.'));
      },
    }),
  },
  ...referenceSpecs,
  ...webhookSpecs,
};

/**
 * The HTTP functions of serverless.yml joined with their entries above. `missing`: HTTP
 * functions without an entry (a new endpoint nobody added to the suite); `stale`: entries for
 * functions serverless.yml no longer has.
 */
export async function loadEndpoints(): Promise<{ endpoints: Endpoint[]; missing: string[]; stale: string[] }> {
  const http = listFunctions().filter((f) => f.routes.length > 0 && !unauthenticatedFunctions.includes(f.name));
  const missing = http.filter((f) => !Object.hasOwn(specs, f.name)).map((f) => f.name);
  const stale = Object.keys(specs).filter((name) => !http.some((f) => f.name === name));
  const endpoints = await Promise.all(
    http
      .filter((f) => Object.hasOwn(specs, f.name))
      .map(async (f) => {
        const module = (await import(f.sourcePath)) as Record<string, Handler>;
        return { ...specs[f.name]!, name: f.name, method: f.routes[0]!.method, routes: f.routes.map((r) => r.path), handler: module[f.exportName]! };
      }),
  );
  return { endpoints, missing, stale };
}

/** The credential as the surface carries it: the Authorization header, or the inventory path segment. */
export function credentialFor(surface: Surface, token: string): string {
  if (surface === 'units') return `Token token="${token}"`;
  if (surface === 'enrollment') return `Bearer ${token}`;
  return encodeURIComponent(token);
}

export function tokenOf(surface: Surface, w: World): string {
  return surface === 'units' ? w.unitsToken : surface === 'inventory' ? w.inventoryToken : w.bearerToken;
}

/**
 * The request for `route` of `ep`: `credential` is the raw header value (units, enrollment)
 * or the raw path segment (inventory); undefined sends none (an empty segment for inventory).
 */
export function requestFor(ep: Endpoint, route: string, credential: string | undefined, input: Input): RequestSpec {
  let path = route.replace('{api_token}', credential ?? '');
  for (const [name, value] of Object.entries(input.params ?? {})) path = path.replace(`{${name}}`, value);
  const headers: Record<string, string> = { ...input.headers };
  if (ep.surface !== 'inventory' && credential !== undefined) headers.authorization = credential;
  const query = input.query ? new URLSearchParams(input.query).toString() : '';
  return { method: ep.method, route, path: query ? `${path}?${query}` : path, headers, body: input.body };
}

/** Calls a handler and counts the request. */
export function send(handler: Handler, spec: RequestSpec): Promise<Response> {
  counts.requests += 1;
  return call(handler, spec);
}

/** Sends `ep`'s valid request as tenant `w` on its first route. */
export function sendValid(ep: Endpoint, w: World, overrides: Input = {}): Promise<Response> {
  const input = { ...ep.valid(w), ...overrides };
  return send(ep.handler, requestFor(ep, ep.routes[0]!, credentialFor(ep.surface, tokenOf(ep.surface, w)), input));
}

/**
 * Sends a request whose body may be raw base64 (binary bodies), counting it. The query string
 * is put into the event the way API Gateway does (raw string, plus a map built with own
 * properties, so keys like `__proto__` arrive as keys).
 */
export async function sendEvent(handler: Handler, spec: RequestSpec, base64Body?: string): Promise<Response> {
  counts.requests += 1;
  const [path, query = ''] = spec.path.split(/\?(.*)/s) as [string, string?];
  const event = buildEvent({ ...spec, path });
  if (query) {
    event.rawQueryString = query;
    const pairs = query.split('&').map((pair) => {
      const [k = '', v = ''] = pair.split(/=(.*)/s).map((part) => safeDecode(part.replace(/\+/g, ' ')));
      return [k, v] as const;
    });
    event.queryStringParameters = Object.fromEntries(pairs);
  }
  if (base64Body !== undefined) {
    event.body = base64Body;
    event.isBase64Encoded = true;
  }
  const result = await handler(event, lambdaContext('test'));
  const type = result.headers?.['Content-Type'] ?? '';
  return { ...result, json: type.startsWith('application/json') ? JSON.parse(result.body) : undefined };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
