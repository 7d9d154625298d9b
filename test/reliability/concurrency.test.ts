/**
 * Concurrency invariants against DynamoDB Local, with real parallel requests through the
 * handlers, spread over separately loaded handler copies ("containers", support/containers.ts)
 * so DynamoDB's conditions decide. These complement the surface tests (docs/RELIABILITY.md
 * lists which invariant each one proves) with the races they do not cover:
 * creates and splits racing for one asset id; generated asset ids under concurrency; ids
 * across concurrent creates; move racing split and adjust; assigns racing grants; enrolls
 * racing cancel/restore on a capped course.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db } from '../../lib/db/client';
import { tableName } from '../../lib/db/tables';
import { countEnrollments, getCode, getEnrolledCount } from '../../lib/enrollment/repository';
import { addDecimals } from '../../lib/inventory/decimal';
import { keys } from '../../lib/inventory/keys';
import type { InventoryUnit } from '../../lib/inventory/model';
import { getUnits, listRecords } from '../../lib/inventory/repository';
import { grantUnits } from '../../lib/units/grant';
import { getAccount, listOperations } from '../../lib/units/repository';
import type { Response } from '../helpers/http';
import { containers } from './support/containers';
import { invariant, reportCounts } from './support/counts';
import { credentialFor, loadEndpoints, requestFor, send, type Endpoint, type Handler, type Input } from './support/endpoints';
import { snapshot } from './support/snapshot';
import { assignments } from './support/state';
import { range, world, type World } from './support/world';

reportCounts('concurrency');

const { endpoints } = await loadEndpoints();
const byName = Object.fromEntries(endpoints.map((e) => [e.name, e])) as Record<string, Endpoint>;

/** Sends `name`'s request as tenant `w` through the handler copy `handler`. */
function request(name: string, handler: Handler, w: World, input: Input): Promise<Response> {
  const ep = byName[name]!;
  const token = ep.surface === 'units' ? w.unitsToken : ep.surface === 'inventory' ? w.inventoryToken : w.bearerToken;
  return send(handler, requestFor(ep, ep.routes[0]!, credentialFor(ep.surface, token), input));
}

// ------------------------------------------------------------------------------ inventory

const inventoryFunctions = ['createInventoryUnit', 'splitInventoryUnit', 'moveInventoryUnit', 'adjustInventoryUnitQuantity'] as const;
const assetId = (n: number) => `A${String(n).padStart(7, '0')}`;

/** Every unit the tenant has: ids 1..the unit counter (so a unit outside the search index still counts). */
async function allUnits(w: World): Promise<InventoryUnit[]> {
  const { counters } = await snapshot(w, {}, ['inventory']);
  const ids = range(1, counters.unit);
  const units: InventoryUnit[] = [];
  for (let i = 0; i < ids.length; i += 100) units.push(...(await getUnits(w.tenantId, ids.slice(i, i + 100))));
  return units;
}

const total = (units: InventoryUnit[]) => units.reduce((sum, u) => addDecimals(sum, u.quantity), '0');

async function claimOf(w: World, asset: string): Promise<number | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName('inventory'), Key: keys.asset(w.tenantId, asset), ConsistentRead: true }));
  return Item ? Number(String(Item.unit_id)) : undefined;
}

/** Every unit with an asset id holds its claim, and no claim exists without its unit (among `candidates`). */
async function expectClaimsMatchUnits(w: World, units: InventoryUnit[], candidates: string[]) {
  const withAsset = units.filter((u) => u.asset_id);
  expect(new Set(withAsset.map((u) => u.asset_id)).size).toBe(withAsset.length); // asset ids unique
  for (const u of withAsset) expect(await claimOf(w, u.asset_id!)).toBe(u.id);
  for (const candidate of candidates) {
    const owner = await claimOf(w, candidate);
    if (owner !== undefined) expect(units.find((u) => u.id === owner)?.asset_id).toBe(candidate);
  }
  invariant(2);
}

const unique422 = { errors: ['Asset ID must be unique.'] };

describe('inventory under concurrent requests from separate containers', () => {
  it('creates and splits racing for one explicit asset id: exactly one wins, the rest are 422, stock conserved', async () => {
    const w = await world('conc-asset');
    const [original] = w.inventory.unitIds;
    const copies = await containers(6, inventoryFunctions);
    const params = { part_id: String(w.inventory.partId), id: String(original) };
    const results = await Promise.all(
      range(0, 11).map((i) => {
        const c = copies[i % copies.length]!;
        return i % 2 === 0
          ? request('createInventoryUnit', c.createInventoryUnit, w, {
              params,
              body: { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 2, asset_id: 'RACE-1' } },
            })
          : request('splitInventoryUnit', c.splitInventoryUnit, w, {
              params,
              body: { inventory_unit: { quantity: 1, inventory_sublocation_id: 2, asset_id: 'RACE-1' } },
            });
      }),
    );
    const winners = results.filter((r) => r.statusCode < 300);
    expect(winners).toHaveLength(1);
    for (const r of results) if (r.statusCode >= 300) expect([r.statusCode, r.json]).toEqual([422, unique422]);
    const units = await allUnits(w);
    expect(units.filter((u) => u.asset_id === 'RACE-1')).toHaveLength(1);
    await expectClaimsMatchUnits(w, units, ['RACE-1', ...w.inventory.assetIds]);
    const createWon = winners[0]!.statusCode === 201;
    expect(total(units)).toBe(createWon ? '102' : '100');
    invariant(3);
  });

  it('generated asset ids stay unique across concurrent creates and splits, also when clients take the next ones by hand', async () => {
    const w = await world('conc-gen');
    const [original] = w.inventory.unitIds;
    const { counters } = await snapshot(w, {}, ['inventory']);
    const copies = await containers(6, inventoryFunctions);
    const params = { part_id: String(w.inventory.partId), id: String(original) };
    // Two ids the generator is about to reach are taken by hand at the same time.
    const byHand = [assetId(counters.asset + 2), assetId(counters.asset + 5)];
    const sends = [
      ...range(0, 9).map((i) => (c: (typeof copies)[number]) =>
        request('createInventoryUnit', c.createInventoryUnit, w, {
          params, body: { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 1, generate_asset_id: 'true', lot_code: `G${i}` } },
        })),
      ...range(0, 9).map(() => (c: (typeof copies)[number]) =>
        request('splitInventoryUnit', c.splitInventoryUnit, w, {
          params, body: { inventory_unit: { quantity: 1, inventory_sublocation_id: 2, generate_asset_id: 'true' } },
        })),
      ...byHand.map((asset) => (c: (typeof copies)[number]) =>
        request('createInventoryUnit', c.createInventoryUnit, w, {
          params, body: { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 1, asset_id: asset } },
        })),
    ];
    const results = await Promise.all(sends.map((fn, i) => fn(copies[i % copies.length]!)));
    // Generated ids never fail; an id taken by hand loses only to a unit that already holds it.
    results.slice(0, 20).forEach((r) => expect(r.statusCode, r.body).toBeLessThan(300));
    for (const r of results.slice(20)) if (r.statusCode >= 300) expect([r.statusCode, r.json]).toEqual([422, unique422]);
    const units = await allUnits(w);
    const after = (await snapshot(w, {}, ['inventory'])).counters;
    const generatedRange = range(0, after.asset - 1).map(assetId);
    await expectClaimsMatchUnits(w, units, [...generatedRange, ...byHand]);
    const createdByHand = results.slice(20).filter((r) => r.statusCode === 201).length;
    expect(units.filter((u) => u.asset_id)).toHaveLength(1 + 20 + createdByHand);
    expect(total(units)).toBe(String(100 + 10 + createdByHand));
    invariant(2);
  });

  it('unit and record ids are unique across concurrent creates, and never reused after refused attempts', async () => {
    const w = await world('conc-ids', { inventoryUnits: 0, codes: 0 });
    const copies = await containers(10, inventoryFunctions);
    const create = (i: number, asset?: string) =>
      request('createInventoryUnit', copies[i % copies.length]!.createInventoryUnit, w, {
        params: { part_id: String(w.inventory.partId) },
        body: { inventory_unit: { inventory_sublocation_id: 1, unit_id: 1, quantity: 1, ...(asset ? { asset_id: asset } : {}) } },
      });
    // 30 at once, 10 of them fighting for one asset id (9 are refused after taking ids).
    const first = await Promise.all(range(0, 29).map((i) => create(i, i % 3 === 0 ? 'DUP-X' : undefined)));
    const firstIds = first.filter((r) => r.statusCode === 201).map((r) => (r.json as { inventory_unit: { id: number } }).inventory_unit.id);
    expect(firstIds).toHaveLength(21);
    expect(new Set(firstIds).size).toBe(21);
    const second = await Promise.all(range(0, 9).map((i) => create(i)));
    const secondIds = second.map((r) => (r.json as { inventory_unit: { id: number } }).inventory_unit.id);
    expect(new Set(secondIds).size).toBe(10);
    expect(Math.min(...secondIds)).toBeGreaterThan(Math.max(...firstIds)); // ids only increase
    const units = await allUnits(w);
    expect(units.map((u) => u.id).sort((x, y) => x - y)).toEqual([...firstIds, ...secondIds].sort((x, y) => x - y));
    const recordIds = (await Promise.all(units.map((u) => listRecords(w.tenantId, u.id)))).flat().map((r) => r.id);
    expect(recordIds).toHaveLength(31);
    expect(new Set(recordIds).size).toBe(31); // record ids unique across the tenant
    invariant(5);
  });

  it('move racing split and adjust on one unit: stock conserved, the log replays, location and index agree', async () => {
    const w = await world('conc-move', { codes: 0 });
    const [id] = w.inventory.unitIds;
    const copies = await containers(10, inventoryFunctions);
    const params = { part_id: String(w.inventory.partId), id: String(id) };
    const deltas = range(0, 9).map((i) => (i % 2 === 0 ? '+2' : '-1'));
    const results = await Promise.all(
      range(0, 29).map((i) => {
        const c = copies[i % copies.length]!;
        if (i % 3 === 0) {
          return request('moveInventoryUnit', c.moveInventoryUnit, w, {
            params, body: { inventory_unit: { inventory_sublocation_id: (i / 3) % 2 === 0 ? 2 : 1, sublocation_bin: `M${i}` } },
          });
        }
        if (i % 3 === 1) {
          return request('splitInventoryUnit', c.splitInventoryUnit, w, {
            params, body: { inventory_unit: { quantity: 1, inventory_sublocation_id: 2, generate_asset_id: 'true' } },
          });
        }
        return request('adjustInventoryUnitQuantity', c.adjustInventoryUnitQuantity, w, {
          params, body: { inventory_unit: { quantity: deltas[(i - 2) / 3]! } },
        });
      }),
    );
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    const units = await allUnits(w);
    expect(units).toHaveLength(11);
    expect(total(units)).toBe('105'); // 100 + 5 x 2 - 5 x 1: splits only move stock
    const unit = units.find((u) => u.id === id)!;
    const log = await listRecords(w.tenantId, id!);
    expect(log.map((r) => r.record_type).sort()).toEqual(['create', ...Array(10).fill('move'), ...Array(10).fill('split'), ...Array(5).fill('adjust'), ...Array(5).fill('adjust')].sort());
    let running = '0';
    for (const entry of log) {
      running = addDecimals(running, entry.quantity_change);
      expect(entry.quantity_after).toBe(running);
    }
    expect(running).toBe(unit.quantity);
    // The unit is where its last log entry says, and the search index agrees.
    expect(log.at(-1)!.inventory_location).toBe(unit.inventory_location);
    const search = byName.searchInventoryUnits!;
    const found = await send(search.handler, requestFor(search, search.routes[0]!, credentialFor('inventory', w.inventoryToken), {
      query: { field0: 'inventory_location', comparison0: 'equals', term0: unit.inventory_location, field1: 'bin', comparison1: 'equals', term1: unit.sublocation_bin! },
    }));
    expect((found.json as { inventory_units: { id: number }[] }).inventory_units.map((u) => u.id)).toContain(id);
    for (const split of units.filter((u) => u.id !== id)) {
      expect(split).toMatchObject({ quantity: '1', inventory_sublocation_id: 2 });
      expect((await listRecords(w.tenantId, split.id)).map((r) => [r.record_type, r.quantity_change])).toEqual([['split', '1']]);
    }
    invariant(5);
  });
});

// ---------------------------------------------------------------------------------- units

describe('course units: assigns from separate containers racing grants', () => {
  it('never overspend; every assignment belongs to exactly one committed operation; charges, counts and ledger agree', async () => {
    const w = await world('conc-units', { balance: 40, inventoryUnits: 0, codes: 0 });
    const [ra, rb] = w.units.codes as [string, string];
    const copies = await containers(4, ['assignUnits'] as const);
    const bodies = range(0, 11).map((i) => ({
      course_codes: i % 3 === 0 ? [ra] : i % 3 === 1 ? [rb] : [ra, rb],
      login_ids: range(1 + i, 6 + i),
    }));
    const [responses] = await Promise.all([
      Promise.all(bodies.map((body, i) => request('assignUnits', copies[i % 4]!.assignUnits, w, { body }))),
      Promise.all([5, 5, 5].map((units) => grantUnits(w.tenantId, units))),
    ]);
    for (const r of responses) {
      if (r.statusCode === 200) expect(r.json).toEqual({});
      else expect([r.statusCode, r.json]).toEqual([422, { errors: 'You do not have enough units to complete this operation' }]);
    }
    const account = (await getAccount(w.tenantId))!;
    expect(account.claim).toBeUndefined();
    expect(account.unitsAvailable).toBeGreaterThanOrEqual(0);
    expect(account.unitsOwed).toBe(0);
    expect(account.unitsAvailable + account.unitsUsed).toBe(40 + 15); // nothing created or lost

    const ops = await listOperations(w.tenantId);
    expect(ops.filter((o) => o.status === 'pending' || o.status === 'aborting')).toEqual([]);
    const committed = ops.filter((o) => o.status === 'committed');
    expect(committed).toHaveLength(responses.filter((r) => r.statusCode === 200).length);
    expect(committed.reduce((s, o) => s + o.units!, 0)).toBe(account.unitsUsed);

    // The items themselves: each carries a committed operation's id, and the committed
    // operations' pair lists are exactly the items, each pair once.
    const items = await assignments(w);
    for (const code of [ra, rb]) expect(account.assigned[code] ?? 0).toBe(items.filter((i) => i.pair.startsWith(`${code}:`)).length);
    const committedIds = new Set(committed.map((o) => o.opId));
    for (const item of items) expect(committedIds.has(item.op)).toBe(true);
    const { Items: ledger = [] } = await db().send(new QueryCommand({
      TableName: tableName('units'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `T#${w.tenantId}#LEDGER` },
      ConsistentRead: true,
    }));
    const listed = ledger.filter((o) => o.status === 'committed').flatMap((o) => (o.pair_list as string[] | undefined) ?? []);
    expect([...listed].sort()).toEqual(items.map((i) => i.pair).sort());
    const cost = items.reduce((s, i) => s + w.units.costs[i.pair.split(':')[0]!]!, 0);
    expect(cost).toBe(account.unitsUsed);
    invariant(8);
  });
});

// ----------------------------------------------------------------------------- enrollment

describe('enrollment: enrolls racing cancel and restore on a capped course', () => {
  it('the cap holds at every sample; counter = enrollments = redeemed codes; one enrollment per code', async () => {
    const max = 3;
    const w = await world('conc-enroll', { codes: 8, maxEnrollments: max, inventoryUnits: 0 });
    const { courseId, codes } = w.enrollment;
    const copies = await containers(4, ['enrollUserWithCode', 'enrollmentCodeStatus'] as const);
    let running = true;
    const samples: number[][] = [];
    const sampler = (async () => {
      while (running) {
        samples.push([await getEnrolledCount(w.tenantId, courseId), await countEnrollments(w.tenantId, courseId)]);
      }
    })();
    const enrolls = codes.map((code, i) =>
      request('enrollUserWithCode', copies[i % 4]!.enrollUserWithCode, w, { body: { email: `learner${i}@example.com`, enrollment_code: code } }));
    const statuses = range(0, 7).map((i) =>
      request('enrollmentCodeStatus', copies[(i + 1) % 4]!.enrollmentCodeStatus, w, {
        body: { enrollment_code: codes[i % 4]!, action: i < 4 ? 'cancel' : 'restore' },
      }));
    const [enrolled, changed] = await Promise.all([Promise.all(enrolls), Promise.all(statuses)]);
    running = false;
    await sampler;

    // A request may also lose every retry to the crowd on its code: 503, "try again", nothing changed.
    const busy = { success: 'false', reason: 'Service temporarily unavailable, please retry' };
    for (const r of enrolled) {
      if (r.statusCode === 503) expect(r.json).toEqual(busy);
      else if (r.statusCode !== 200) {
        expect(r.statusCode).toBe(400);
        expect(['Course full.', 'Enrollment code error.']).toContain((r.json as { reason: string }).reason);
      }
    }
    for (const r of changed) {
      if (r.statusCode === 503) expect(r.json).toEqual(busy);
      else expect(r.statusCode, r.body).toBe(200);
    }
    expect(samples.length).toBeGreaterThan(0);
    for (const [counter, items] of samples) {
      expect(counter).toBeLessThanOrEqual(max);
      expect(items).toBeLessThanOrEqual(max);
    }
    const counter = await getEnrolledCount(w.tenantId, courseId);
    expect(counter).toBe(await countEnrollments(w.tenantId, courseId));
    const records = await Promise.all(codes.map((c) => getCode(w.tenantId, c)));
    const redeemed = records.filter((c) => c?.status === 'redeemed');
    expect(redeemed).toHaveLength(counter);
    // Each enrollment belongs to a redeemed code held by that email, and no code has two.
    const { Items = [] } = await db().send(new QueryCommand({
      TableName: tableName('enrollment'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': `T#${w.tenantId}#COURSE#${courseId}`, ':e': 'ENROLL#' },
      ConsistentRead: true,
    }));
    expect(new Set(Items.map((i) => i.code)).size).toBe(Items.length);
    for (const item of Items) expect(redeemed.find((c) => c!.code === item.code)?.email).toBe(item.email);
    invariant(4 + samples.length * 2);
  });
});
