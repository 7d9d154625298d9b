/**
 * Every route functions.yml declares reaches its handler and honours its format: the
 * `.xml`/`.json` routes of literal endings, and the suffix inside a trailing `{id}`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../../lib/http/event';
import type { HttpResult } from '../../../lib/http/handler';
import { listFunctions } from '../../../scripts/functions';
import { call } from '../../helpers/http';
import { endpoints, inventoryTenant, type InventoryTenant } from './fixture';

// The inventory units functions (their routes all name inventory_units); the reference data
// functions are checked by reference-routes.test.ts.
const inventoryFunctions = listFunctions().filter(
  (f) => f.handler.startsWith('functions/inventory/') && f.routes.every((r) => r.path.includes('/inventory_units')),
);

const bodies: Record<string, Record<string, unknown>> = {
  updateInventoryUnit: { details: 'routed' },
  adjustInventoryUnitQuantity: { quantity: '+1' },
  createInventoryUnit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 1 },
  moveInventoryUnit: { inventory_sublocation_id: 2 },
  splitInventoryUnit: { inventory_sublocation_id: 1, quantity: 1 },
};

let t: InventoryTenant;
let unitId: number;
beforeAll(async () => {
  t = await inventoryTenant();
  unitId = (await t.createUnit({ quantity: 100 })).id;
});

describe('functions.yml', () => {
  it('declares one function per endpoint, each handler file exporting `handler`', async () => {
    // The first route of each function is its plain one; the tests' routes are exactly these.
    const declared = inventoryFunctions.map((f) => `${f.routes[0]!.method} ${f.routes[0]!.path}`).sort();
    expect(declared).toEqual(Object.values(endpoints).map((e) => `${e.method} ${e.route}`).sort());
    for (const f of inventoryFunctions) {
      const mod = (await import(f.sourcePath)) as Record<string, unknown>;
      expect(typeof mod[f.exportName], f.name).toBe('function');
    }
  });

  const cases = inventoryFunctions.flatMap((f) =>
    f.routes.flatMap((route) =>
      route.path.endsWith('}') ? ['', '.xml', '.json'].map((suffix) => [f.name, route, suffix] as const) : [[f.name, route, ''] as const],
    ),
  );

  it.each(cases)('%s %j%s answers in the requested format', async (name, route, suffix) => {
    const f = inventoryFunctions.find((fn) => fn.name === name)!;
    const handler = ((await import(f.sourcePath)) as Record<string, unknown>)[f.exportName] as (e: HttpEvent) => Promise<HttpResult>;
    const path = route.path
      .replace('{api_token}', t.inventoryToken)
      .replace('{part_id}', '1')
      .replace('{id}', String(unitId)) + suffix;
    const res = await call(handler as never, { method: route.method, route: route.path, path, body: bodies[name] ?? undefined });
    expect(res.statusCode).toBeLessThan(300);
    const xml = path.endsWith('.xml');
    expect(res.headers['Content-Type']).toBe(xml ? 'application/xml; charset=utf-8' : 'application/json; charset=utf-8');
  });
});
