/**
 * Test helpers for the inventory functions: the routes as functions.yml declares them, a
 * request builder that fills them in (with an optional .xml/.json suffix) and a fresh tenant
 * with reference data of its own.
 */
import { putLocation, putPart, putRefCounters, putSublocation, putUnitOfMeasure } from '../../../lib/inventory/repository';
import { call, type Response } from '../../helpers/http';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { handler as adjust } from '../../../functions/inventory/adjust-quantity';
import { handler as create } from '../../../functions/inventory/create';
import { handler as records } from '../../../functions/inventory/inventory-records';
import { handler as listByPart } from '../../../functions/inventory/list-by-part';
import { handler as move } from '../../../functions/inventory/move';
import { handler as search } from '../../../functions/inventory/search';
import { handler as show } from '../../../functions/inventory/show';
import { handler as split } from '../../../functions/inventory/split';
import { handler as update } from '../../../functions/inventory/update';

const unitRoute = '/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}';
const partRoute = '/api/v2/{api_token}/parts/{part_id}/inventory_units';

export const endpoints = {
  show: { fn: show, method: 'GET', route: unitRoute },
  update: { fn: update, method: 'PUT', route: unitRoute },
  adjust: { fn: adjust, method: 'PUT', route: `${unitRoute}/adjust_quantity` },
  create: { fn: create, method: 'POST', route: partRoute },
  move: { fn: move, method: 'PUT', route: `${unitRoute}/move` },
  split: { fn: split, method: 'POST', route: `${unitRoute}/split` },
  search: { fn: search, method: 'GET', route: '/api/v2/{api_token}/inventory_units/search' },
  listByPart: { fn: listByPart, method: 'GET', route: partRoute },
  records: { fn: records, method: 'GET', route: `${unitRoute}/inventory_records` },
} as const;
export type EndpointName = keyof typeof endpoints;

export interface Send {
  token: string;
  part_id?: number | string;
  id?: number | string;
  /** `.xml` or `.json` on the last path segment. */
  suffix?: '.xml' | '.json';
  query?: string;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
}

type Handler = (typeof endpoints)[EndpointName]['fn'];

/** Calls an endpoint's handler (or `fn`, another instance of it) with a real API Gateway event for its route. */
export function send(name: EndpointName, s: Send, fn: Handler = endpoints[name].fn): Promise<Response> {
  const { method, route } = endpoints[name];
  const suffix = s.suffix ?? '';
  // A route ending in a parameter takes the suffix inside it; one ending in a literal is declared with it.
  const template = route.endsWith('}') ? route : route + suffix;
  const path = route
    .replace('{api_token}', s.token)
    .replace('{part_id}', String(s.part_id ?? ''))
    .replace('{id}', String(s.id ?? ''));
  return call(fn, {
    method,
    route: template,
    path: path + suffix + (s.query ? `?${s.query}` : ''),
    body: s.body,
    headers: s.headers,
  });
}

export type CreatedUnit = Record<string, unknown> & { id: number };

export interface InventoryTenant extends TestTenant {
  /** Sends as this tenant. */
  send(name: EndpointName, s: Omit<Send, 'token'>, fn?: Handler): Promise<Response>;
  /** Creates a unit through the API and returns its JSON. */
  createUnit(fields: Record<string, unknown>, partId?: number): Promise<CreatedUnit>;
}

/**
 * A fresh tenant with units of measure 1 `each`, 2 `box`; locations WH (sublocation 1
 * `Rack 1`) and Annex (sublocation 2 `Bay 7`); parts 1 and 2.
 */
export async function inventoryTenant(): Promise<InventoryTenant> {
  const tenant = await createTenant('inv');
  const t = tenant.tenantId;
  const wh = { id: 1, name: 'WH' };
  const annex = { id: 2, name: 'Annex' };
  await Promise.all([
    putUnitOfMeasure(t, { id: 1, name: 'each' }),
    putUnitOfMeasure(t, { id: 2, name: 'box' }),
    // Listed (positions 1 and 2), as locations created over HTTP are: search matches labels from the list.
    putLocation(t, wh, 1),
    putLocation(t, annex, 2),
    putSublocation(t, { id: 1, name: 'Rack 1' }, wh, 1),
    putSublocation(t, { id: 2, name: 'Bay 7' }, annex, 2),
    // Reference data created over HTTP continues above these.
    putRefCounters(t, { part: 2, uom: 2, location: 2, locations: 2, sublocation: 2, sublocations: 2 }),
    putPart(t, { id: 1, part_number: 'P-1', description: 'Part one' }),
    putPart(t, { id: 2, part_number: 'P-2', description: 'Part two' }),
  ]);
  const sendAs = (name: EndpointName, s: Omit<Send, 'token'>, fn?: Handler) =>
    send(name, { ...s, token: tenant.inventoryToken }, fn);
  return {
    ...tenant,
    send: sendAs,
    async createUnit(fields, partId = 1) {
      const res = await sendAs('create', {
        part_id: partId,
        body: { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 10, ...fields } },
      });
      if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
      return (res.json as { inventory_unit: CreatedUnit }).inventory_unit;
    },
  };
}

/** The XML elements of a body, one trimmed line each, without the declaration. */
export const xmlLines = (body: string) =>
  body.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('<?xml'));
