/**
 * Every route functions.yml declares for the inventory reference data functions reaches its
 * handler and honours its format: `.xml`/`.json` routes of literal endings, and the suffix
 * inside a trailing parameter.
 */
import { beforeAll, expect, it } from 'vitest';
import type { HttpEvent } from '../../../lib/http/event';
import type { HttpResult } from '../../../lib/http/handler';
import { listFunctions } from '../../../scripts/functions';
import { call } from '../../helpers/http';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import { referenceEndpoints, sendRef } from './reference-fixture';

const functions = listFunctions().filter(
  (f) => f.handler.startsWith('functions/inventory/') && f.routes.every((r) => !r.path.includes('/inventory_units')),
);

let t: TestTenant;
const ids: Record<string, number> = {};
beforeAll(async () => {
  t = await createTenant('ref-routes');
  const part = await sendRef(t.inventoryToken, 'createPart', { body: { part: { part_number: 'ROUTE-1' } } });
  ids.part_id = (part.json as { part: { id: number } }).part.id;
  const loc = await sendRef(t.inventoryToken, 'createLocation', { body: { inventory_location: { name: 'Routes' } } });
  ids.location_id = (loc.json as { inventory_location: { id: number } }).inventory_location.id;
  const sub = await sendRef(t.inventoryToken, 'createSublocation', { params: ids, body: { inventory_sublocation: { name: 'R1' } } });
  ids.id = (sub.json as { inventory_sublocation: { id: number } }).inventory_sublocation.id;
});

const bodies: Record<string, () => Record<string, unknown>> = {
  createPart: () => ({ part: { part_number: `ROUTE-${Math.random()}` } }),
  updatePart: () => ({ part: { description: 'routed' } }),
  // Names are unique per kind (and location): each call its own.
  createInventoryLocation: () => ({ inventory_location: { name: `L-${Math.random()}` } }),
  renameInventoryLocation: () => ({ inventory_location: { name: 'Routes' } }),
  createInventorySublocation: () => ({ inventory_sublocation: { name: `S-${Math.random()}` } }),
  renameInventorySublocation: () => ({ inventory_sublocation: { name: 'R1' } }),
  createUnitOfMeasure: () => ({ unit: { name: `u-${Math.random()}` } }),
};

it('declares one function per reference endpoint, each with its handler', () => {
  expect(functions.map((f) => `${f.routes[0]!.method} ${f.routes[0]!.path}`).sort()).toEqual(
    Object.values(referenceEndpoints).map((e) => `${e.method} ${e.route}`).sort(),
  );
});

const cases = functions.flatMap((f) =>
  f.routes.flatMap((route) =>
    route.path.endsWith('}') ? ['', '.xml', '.json'].map((suffix) => [f.name, route, suffix] as const) : [[f.name, route, ''] as const],
  ),
);

it.each(cases)('%s %j%s answers in the requested format', async (name, route, suffix) => {
  const f = functions.find((fn) => fn.name === name)!;
  const handler = ((await import(f.sourcePath)) as Record<string, unknown>)[f.exportName] as (e: HttpEvent) => Promise<HttpResult>;
  let path = route.path.replace('{api_token}', t.inventoryToken);
  for (const [k, v] of Object.entries(ids)) path = path.replace(`{${k}}`, String(v));
  const res = await call(handler as never, { method: route.method, route: route.path, path: path + suffix, body: bodies[name]?.() });
  expect(res.statusCode, res.body).toBeLessThan(300);
  const xml = (path + suffix).endsWith('.xml');
  expect(res.headers['Content-Type']).toBe(xml ? 'application/xml; charset=utf-8' : 'application/json; charset=utf-8');
});
