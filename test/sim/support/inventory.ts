/**
 * Inventory (docs/INVENTORY.md, docs/REFERENCE-DATA.md): a tenant with a part, a unit of
 * measure, a location with two sublocations and one unit of 100 on it, made through the
 * surface's own domain code.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { createUnit } from '../../../lib/inventory/create';
import { upsertLocation, upsertSublocation, upsertUnitOfMeasure } from '../../../lib/inventory/locations';
import { upsertPart } from '../../../lib/inventory/parts';
import { SHARDS } from '../../../lib/inventory/keys';
import { createTenant, type TestTenant } from '../../helpers/tenants';
import type { HttpOp, Op, Outcome, Surface } from './sim';
import { scanRaw } from './tables';
import { lostUpdates } from './units';

export interface InventoryWorld extends TestTenant {
  partId: number;
  unitId: number;
  part: { part_number: string; description: string };
  location: { name: string };
  sublocation: { name: string };
}

const partId = 11;

export async function inventoryWorld(): Promise<InventoryWorld> {
  const tenant = await createTenant('sim-i');
  const t = tenant.tenantId;
  const part = { part_number: 'P-11', description: 'Sim part' };
  await Promise.all([
    upsertUnitOfMeasure(t, { id: 1, name: 'each' }),
    upsertLocation(t, { id: 1, name: 'WH' }).then(() => Promise.all([1, 2].map((id) => upsertSublocation(t, { id, name: `Rack ${id}`, location_id: 1 })))),
    upsertPart(t, { id: partId, ...part }),
  ]);
  const unit = await createUnit(t, partId, {
    inventory_sublocation_id: 1, unit_id: 1, quantity: '100', asset_id: 'AS-1', sublocation_bin: 'B1', generate_asset_id: false, comment: 'fixture', lot_code: 'LOT-1',
  });
  return { ...tenant, partId, unitId: unit.id as number, part, location: { name: 'WH' }, sublocation: { name: 'Rack 1' } };
}

const clientArb = fc.record({ key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }), retries: fc.integer({ min: 0, max: 2 }), replay: fc.boolean() });
const base = '/api/v2/{api_token}';

function http(w: InventoryWorld, fn: string, label: string, method: string, route: string, params: Record<string, string | number>, body: unknown, client: { key?: string; retries: number; replay: boolean }, meta?: Record<string, unknown>): HttpOp {
  let path = route.replace('{api_token}', encodeURIComponent(w.inventoryToken));
  for (const [k, v] of Object.entries(params)) path = path.replace(`{${k}}`, String(v));
  return {
    kind: 'http', fn, label, retries: client.retries, replay: client.replay,
    ...(client.key ? { key: `${fn}-${label}-${client.key}` } : {}), ...(meta ? { meta } : {}),
    spec: { method, route, path, headers: {}, body: body as never },
  };
}

const unitRoute = `${base}/parts/{part_id}/inventory_units/{id}`;
const unitParams = (w: InventoryWorld) => ({ part_id: w.partId, id: w.unitId });

export const inventoryOps: Surface<InventoryWorld>['ops'] = {
  adjustInventoryUnitQuantity: fc.record({ q: fc.constantFrom('+5', '-3', '40'), client: clientArb }).map(({ q, client }) => (w: InventoryWorld): Op => {
    const label = `adjust ${q}`;
    const comment = client.key ? `adjust ${q} ${client.key}` : `adjust ${q}`;
    return http(w, 'adjustInventoryUnitQuantity', label, 'PUT', `${unitRoute}/adjust_quantity`, unitParams(w),
      { inventory_unit: { quantity: q, inventory_record: { comment } } }, client, { comment });
  }),
  splitInventoryUnit: fc.record({ q: fc.constantFrom(2, 7), client: clientArb }).map(({ q, client }) => (w: InventoryWorld): Op =>
    http(w, 'splitInventoryUnit', `split ${q}`, 'POST', `${unitRoute}/split`, unitParams(w),
      { inventory_unit: { quantity: q, inventory_sublocation_id: 2, generate_asset_id: 'true' } }, client)),
  moveInventoryUnit: fc.record({ to: fc.constantFrom(1, 2), client: clientArb }).map(({ to, client }) => (w: InventoryWorld): Op =>
    http(w, 'moveInventoryUnit', `move to ${to}`, 'PUT', `${unitRoute}/move`, unitParams(w),
      { inventory_unit: { inventory_sublocation_id: to, sublocation_bin: `B${to}` } }, client)),
  updateInventoryUnit: fc.record({ field: fc.constantFrom('lot_code', 'serial_number'), n: fc.integer({ min: 1, max: 2 }), client: clientArb }).map(({ field, n, client }) => (w: InventoryWorld): Op =>
    http(w, 'updateInventoryUnit', `update ${field}=${n}`, 'PUT', unitRoute, unitParams(w), { inventory_unit: { [field]: `V-${n}` } }, client, { field, value: `V-${n}` })),
  createInventoryUnit: fc.record({ q: fc.constantFrom(3, 4), client: clientArb }).map(({ q, client }) => (w: InventoryWorld): Op =>
    http(w, 'createInventoryUnit', `create unit of ${q}`, 'POST', `${base}/parts/{part_id}/inventory_units`, { part_id: w.partId },
      { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: q } }, client)),
  createPart: fc.record({ n: fc.constantFrom(12, 13), client: clientArb }).map(({ n, client }) => (w: InventoryWorld): Op =>
    http(w, 'createPart', `create part P-${n}`, 'POST', `${base}/parts`, {}, { part: { part_number: `P-${n}`, description: `Part ${n}` } }, client)),
  updatePart: fc.record({ field: fc.constantFrom('description', 'part_number'), n: fc.integer({ min: 1, max: 2 }), client: clientArb }).map(({ field, n, client }) => (w: InventoryWorld): Op =>
    http(w, 'updatePart', `update part ${field}=${n}`, 'PUT', `${base}/parts/{part_id}`, { part_id: w.partId }, { part: { [field]: `X-${n}` } }, client, { field, value: `X-${n}` })),
  createInventoryLocation: fc.record({ n: fc.constantFrom(1, 2), client: clientArb }).map(({ n, client }) => (w: InventoryWorld): Op =>
    http(w, 'createInventoryLocation', `create location L${n}`, 'POST', `${base}/inventory_locations`, {}, { inventory_location: { name: `L${n}` } }, client)),
  renameInventoryLocation: fc.record({ n: fc.constantFrom(1, 2), client: clientArb }).map(({ n, client }) => (w: InventoryWorld): Op =>
    http(w, 'renameInventoryLocation', `rename location WH${n}`, 'PUT', `${base}/inventory_locations/{location_id}`, { location_id: 1 }, { inventory_location: { name: `WH${n}` } }, client)),
  createInventorySublocation: fc.record({ n: fc.constantFrom(1, 2), client: clientArb }).map(({ n, client }) => (w: InventoryWorld): Op =>
    http(w, 'createInventorySublocation', `create sublocation S${n}`, 'POST', `${base}/inventory_locations/{location_id}/inventory_sublocations`, { location_id: 1 },
      { inventory_sublocation: { name: `S${n}` } }, client)),
  renameInventorySublocation: fc.record({ n: fc.constantFrom(1, 2), client: clientArb }).map(({ n, client }) => (w: InventoryWorld): Op =>
    http(w, 'renameInventorySublocation', `rename sublocation R${n}`, 'PUT', `${base}/inventory_locations/{location_id}/inventory_sublocations/{id}`, { location_id: 1, id: 1 },
      { inventory_sublocation: { name: `R${n}` } }, client)),
  createUnitOfMeasure: fc.record({ n: fc.constantFrom(1, 2), client: clientArb }).map(({ n, client }) => (w: InventoryWorld): Op =>
    http(w, 'createUnitOfMeasure', `create uom U${n}`, 'POST', `${base}/units`, {}, { unit: { name: `U${n}` } }, client)),
};

/** The unit writes, with the reference writes that change what a unit shows (labels): each pair among them. */
export const inventoryUnitGroup = [
  'adjustInventoryUnitQuantity', 'splitInventoryUnit', 'moveInventoryUnit', 'updateInventoryUnit', 'createInventoryUnit',
  'renameInventorySublocation', 'renameInventoryLocation', 'updatePart',
];
/** The reference writes: each pair among them. */
export const inventoryReferenceGroup = [
  'createPart', 'updatePart', 'createInventoryLocation', 'renameInventoryLocation', 'createInventorySublocation', 'renameInventorySublocation', 'createUnitOfMeasure',
];

type Item = Record<string, unknown>;
const num = (v: unknown) => (v === undefined || v === null ? 0 : Number(v));
/** Quantities here are whole numbers; a tolerance keeps a decimal slip visible without float noise. */
const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;

export async function checkInventory(w: InventoryWorld, outcomes: Outcome[]): Promise<string[]> {
  const items = (await scanRaw('inventory')).map((i) => unmarshall(i as never) as Item);
  const t = w.tenantId;
  const out: string[] = [];
  const units = items.filter((i) => String(i.pk).startsWith(`T#${t}#UNIT#`) && i.sk === 'UNIT');
  const ids = units.map((u) => num(u.id)).sort((a, b) => a - b);
  // I1: every unit's quantity is what its log says; the log's chain adds up; splits conserve.
  let created = 0;
  let adjusted = 0;
  let split = 0;
  for (const u of units) {
    const records = items.filter((i) => i.pk === u.pk && String(i.sk).startsWith('REC#')).sort((a, b) => num(a.unit_version) - num(b.unit_version));
    let running = 0;
    for (const r of records) {
      running += num(r.quantity_change);
      if (!same(running, num(r.quantity_after))) out.push(`I1 unit ${num(u.id)} record v${num(r.unit_version)}: quantity_after ${String(r.quantity_after)} != ${running} (the changes so far)`);
      if (r.record_type === 'create') created += num(r.quantity_change);
      else if (r.record_type === 'split') split += num(r.quantity_change);
      else adjusted += num(r.quantity_change);
    }
    if (!same(running, num(u.quantity))) out.push(`I1 unit ${num(u.id)} quantity ${String(u.quantity)} != ${running}, the sum of its log`);
    // A log entry per quantity change (an update of other fields bumps the version without one).
    if (records.some((r) => num(r.unit_version) > num(u.version))) out.push(`I1 unit ${num(u.id)} (version ${num(u.version)}) has a log entry of a later version`);
  }
  if (!same(split, 0)) out.push(`I1 splits do not conserve quantity: their log entries sum to ${split}`);
  const total = units.reduce((s, u) => s + num(u.quantity), 0);
  if (!same(total, created + adjusted + split)) out.push(`I1 units hold ${total}, created + adjusted is ${created + adjusted}`);
  // I2: every unit in its lists and search records exactly once.
  const listCheck = (pk: string, expected: number[], what: string) => {
    const count = items.find((i) => i.pk === pk && i.sk === 'COUNT');
    const listed = items.filter((i) => i.pk === pk && String(i.sk).startsWith('B#')).sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
      .flatMap((b) => ((b.ids as unknown[] | undefined) ?? []).map(num));
    if (JSON.stringify(listed) !== JSON.stringify(expected)) out.push(`I2 ${what} lists [${listed.join(',')}], the units are [${expected.join(',')}]`);
    if (num(count?.n) !== expected.length) out.push(`I2 ${what} COUNT.n ${num(count?.n)} != ${expected.length} units`);
  };
  listCheck(`T#${t}#LIST`, ids, 'the tenant list');
  listCheck(`T#${t}#LIST#PART#${w.partId}`, units.filter((u) => num(u.part_id) === w.partId).map((u) => num(u.id)).sort((a, b) => a - b), `part ${w.partId}'s list`);
  const records = items.filter((i) => /^T#.*#S#[0-9a-f]$/.test(String(i.pk)) && String(i.pk).startsWith(`T#${t}#S#`)).map((r) => num(r.sk));
  for (const id of ids) {
    const n = records.filter((r) => r === id).length;
    if (n !== 1) out.push(`I2 unit ${id} has ${n} search records`);
    const shard = items.find((i) => i.sk === String(id) && i.pk === `T#${t}#S#${(id % SHARDS).toString(16)}`);
    if (!shard) out.push(`I2 unit ${id}'s search record is not in shard ${id % SHARDS}`);
  }
  for (const r of records.filter((r) => !ids.includes(r))) out.push(`I2 search record for unit ${r}, which does not exist`);
  // I3 (idempotency): an adjust applied once per key: one log entry per keyed comment.
  for (const o of outcomes.filter((x) => x.op.fn === 'adjustInventoryUnitQuantity' && x.op.kind === 'http' && x.op.key)) {
    const comment = String(o.op.meta!.comment);
    const n = items.filter((i) => String(i.sk).startsWith('REC#') && i.comment === comment).length;
    if (n > 1) out.push(`I3 the adjust with Idempotency-Key ${(o.op as HttpOp).key} was applied ${n} times (answers ${o.answers.map((a) => a.status).join(',')})`);
  }
  // I4: no lost update of a unit's or the part's fields.
  const unit = units.find((u) => num(u.id) === w.unitId);
  const unitPuts = outcomes.filter((o) => o.op.fn === 'updateInventoryUnit' && o.op.meta)
    .map((o) => ({ field: String(o.op.meta!.field), value: o.op.meta!.value, ok: o.answers.some((a) => a.status < 300) }));
  out.push(...lostUpdates(`unit ${w.unitId}`, { lot_code: 'LOT-1', serial_number: undefined }, unit, unitPuts).map((m) => `I4 ${m}`));
  const part = items.find((i) => i.pk === `T#${t}#PART#${w.partId}` && i.sk === 'PART');
  const partPuts = outcomes.filter((o) => o.op.fn === 'updatePart' && o.op.meta)
    .map((o) => ({ field: String(o.op.meta!.field), value: o.op.meta!.value, ok: o.answers.some((a) => a.status < 300) }));
  out.push(...lostUpdates(`part ${w.partId}`, w.part, part, partPuts).map((m) => `I4 ${m}`));
  return out;
}

export const inventorySurface: Surface<InventoryWorld> = { name: 'inventory', world: inventoryWorld, ops: inventoryOps, check: checkInventory };
