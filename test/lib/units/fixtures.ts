/**
 * Fresh course-units tenants for tests (never the demo ones) and the ways tests look at them:
 * calls through the real handlers, and direct reads of what is stored.
 */
import { handler as assignHandler } from '../../../functions/units/assign-units';
import { handler as inventoriesHandler } from '../../../functions/units/inventories';
import { getInventory } from '../../../lib/units/inventories';
import type { UnitsData } from '../../../lib/units/model';
import { countAssignments, listOperations, putUnitsData } from '../../../lib/units/repository';
import { call, type RequestSpec } from '../../helpers/http';
import { createTenant, type TestTenant } from '../../helpers/tenants';

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export async function unitsTenant(data: UnitsData): Promise<TestTenant> {
  const tenant = await createTenant('units');
  await putUnitsData(tenant.tenantId, data);
  return tenant;
}

export const auth = (token: string) => ({ Authorization: `Token token="${token}"` });

/** POST assign_units; `xml: true` sends to the .xml route. */
export function assign(token: string | undefined, body: RequestSpec['body'], extra: Partial<RequestSpec> = {}) {
  const path = extra.path ?? '/api/v2/inventories/assign_units';
  return call(assignHandler, {
    method: 'POST',
    path,
    body,
    ...extra,
    headers: { ...(token === undefined ? {} : auth(token)), ...extra.headers },
  });
}

export function inventories(token: string, path = '/api/v2/inventories') {
  return call(inventoriesHandler, { method: 'GET', path, headers: auth(token) });
}

/** Everything that assigning may change, to compare before and after. */
export async function snapshot(tenantId: string) {
  const inventory = await getInventory(tenantId);
  const counts = Object.fromEntries(
    await Promise.all(inventory.courses.map(async (c) => [c.code, await countAssignments(tenantId, c.code)] as const)),
  );
  return { inventory, counts };
}

/** Units charged by committed operations, and what they owe. */
export async function ledgerTotals(tenantId: string) {
  const committed = (await listOperations(tenantId)).filter((op) => op.status === 'committed');
  return {
    entries: committed.length,
    units: committed.reduce((s, op) => s + (op.units ?? 0), 0),
    owed: committed.reduce((s, op) => s + (op.owed ?? 0), 0),
    pairs: committed.reduce((s, op) => s + (op.pairs ?? 0), 0),
  };
}
