/**
 * The inventory table's reads and its reference-data and id-counter writes. Keys and item
 * shapes come from keys.ts; the unit transaction is in repository-writes.ts, the search
 * index reads in repository-search.ts. Paging and batching are lib/db's.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/batch';
import { db } from '../db/client';
import { getItem } from '../db/get-item';
import { queryAll } from '../db/paging';
import type { Item } from '../db/types';
import { inventoryTable as table } from '../db/tables';
import type { InventoryRecord, InventoryUnit } from './model';
import { blockIds, listCountFrom, listSlot, locationItem, partFrom, partItem, recordFrom, refCountersItem, sublocationFrom, sublocationItem, unitFrom, uomFrom, uomItem, type ListCount } from './items';
import { keys, LIST_BLOCK, type CounterName, type ListScope } from './keys';
import type { Location, Part, Sublocation, UnitOfMeasure } from './model';
import type { Key } from '../db/types';


/** One item, consistently (lib/db/get-item.ts: the warm show's one read). */
const get = (key: Key): Promise<Item | undefined> => getItem(table(), key, { consistent: true });

// ------------------------------------------------------------------ reference data

export const getPart = async (tenantId: string, id: number): Promise<Part | undefined> => {
  const item = await get(keys.part(tenantId, id));
  return item && partFrom(item);
};
export const getUnitOfMeasure = async (tenantId: string, id: number): Promise<UnitOfMeasure | undefined> => {
  const item = await get(keys.uom(tenantId, id));
  return item && uomFrom(item);
};
export const getSublocation = async (tenantId: string, id: number): Promise<Sublocation | undefined> => {
  const item = await get(keys.sublocation(tenantId, id));
  return item && sublocationFrom(item);
};

/** Upserts (imports and tests); the demo seed writes the same items only where absent. */
const put = async (Item: Item) => {
  await db().send(new PutCommand({ TableName: table(), Item }));
};
export const putPart = (tenantId: string, part: Part) => put(partItem(tenantId, part));
export const putUnitOfMeasure = (tenantId: string, uom: UnitOfMeasure) => put(uomItem(tenantId, uom));
/** `seq`: the location's list position (a place without one is not listed, nor matched by search). */
export const putLocation = (tenantId: string, location: Location, seq?: number) => put(locationItem(tenantId, location, seq));
export const putSublocation = (tenantId: string, sub: { id: number; name: string }, location: Location, locationSeq?: number) =>
  put(sublocationItem(tenantId, sub, location, locationSeq));
/** Last ids and list positions handed out (what a tenant's seeded reference data has taken). */
export const putRefCounters = (tenantId: string, values: Record<string, number>) => put(refCountersItem(tenantId, values));

// ------------------------------------------------------------------ units and records

export const getUnit = async (tenantId: string, id: number): Promise<InventoryUnit | undefined> => {
  const item = await get(keys.unit(tenantId, id));
  return item && unitFrom(item);
};

/** The units with these ids, in the order given (missing ones left out). */
export async function getUnits(tenantId: string, ids: number[]): Promise<InventoryUnit[]> {
  const items = await batchGetAll(table(), ids.map((id) => keys.unit(tenantId, id)), { consistentRead: true });
  const found = new Map(items.map((item) => [Number(String(item.id)), unitFrom(item)]));
  return ids.flatMap((id) => found.get(id) ?? []);
}

/** The unit's log, oldest first (the sort key is the unit version each entry produced). */
export async function listRecords(tenantId: string, unitId: number): Promise<InventoryRecord[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rec)',
    ExpressionAttributeValues: { ':pk': keys.unit(tenantId, unitId).pk, ':rec': keys.recordPrefix },
    ConsistentRead: true,
  });
  return items.map(recordFrom);
}

// ------------------------------------------------------------------ unit lists

const sameKey = (a: Item, b: Key) => a.pk === b.pk && a.sk === b.sk;

/** A part's list count (what a new unit's transaction is conditioned on beside the tenant's). */
export async function readPartListCount(tenantId: string, partId: number): Promise<ListCount> {
  return listCountFrom(await get(keys.listCount(tenantId, { part: partId })));
}

/** What creating a unit reads first, in one request: its part, unit of measure, sublocation and the part's list count. */
export async function readForCreate(tenantId: string, partId: number, uomId: number, sublocationId: number) {
  const wanted = {
    part: keys.part(tenantId, partId),
    uom: keys.uom(tenantId, uomId),
    sublocation: keys.sublocation(tenantId, sublocationId),
    partList: keys.listCount(tenantId, { part: partId }),
  };
  const items = await batchGetAll(table(), Object.values(wanted), { consistentRead: true });
  const find = (key: Key) => items.find((i) => sameKey(i, key));
  const [part, uom, sublocation] = [find(wanted.part), find(wanted.uom), find(wanted.sublocation)];
  return {
    part: part && partFrom(part),
    uom: uom && uomFrom(uom),
    sublocation: sublocation && sublocationFrom(sublocation),
    partList: listCountFrom(find(wanted.partList)),
  };
}

/** A unit and its part's list count (a split's read), in one request. */
export async function readUnitWithPartListCount(tenantId: string, id: number, partId: number) {
  const [unit, part] = [keys.unit(tenantId, id), keys.listCount(tenantId, { part: partId })];
  const items = await batchGetAll(table(), [unit, part], { consistentRead: true });
  const found = items.find((i) => sameKey(i, unit));
  return { unit: found && unitFrom(found), partList: listCountFrom(items.find((i) => sameKey(i, part))) };
}

export interface ListSlice {
  /** Units in the list. */
  total: number;
  /** Ids at positions [from, to), fewer past the end. */
  ids: number[];
  /** For a part's list: whether the part exists (read in the same request). */
  partExists?: boolean;
}

/**
 * Positions [from, to) of a list (to - from <= LIST_BLOCK), its count and, for a part's list,
 * the part: one BatchGet of at most four small items, whatever the position.
 */
export async function readListSlice(tenantId: string, scope: ListScope, from: number, to: number): Promise<ListSlice> {
  const first = listSlot(from).block;
  const last = listSlot(Math.max(from, to - 1)).block;
  const blocks = [...new Set([first, last])].map((b) => keys.listBlock(tenantId, scope, b));
  const count = keys.listCount(tenantId, scope);
  const part = scope === 'all' ? undefined : keys.part(tenantId, scope.part);
  const items = await batchGetAll(table(), [count, ...blocks, ...(part ? [part] : [])], { consistentRead: true });
  const ids = blocks.flatMap((key) => blockIds(items.find((i) => sameKey(i, key))));
  const offset = first * LIST_BLOCK;
  return {
    total: listCountFrom(items.find((i) => sameKey(i, count))).n,
    ids: ids.slice(from - offset, to - offset),
    ...(part ? { partExists: items.some((i) => sameKey(i, part)) } : {}),
  };
}

/** Hands out `n` new ids per counter with one atomic ADD; ids only ever increase. */
export async function allocateIds(
  tenantId: string,
  counts: Partial<Record<CounterName, number>>,
): Promise<Record<CounterName, number[]>> {
  const names = (Object.keys(counts) as CounterName[]).filter((name) => (counts[name] ?? 0) > 0);
  const out: Record<CounterName, number[]> = { unit: [], record: [], asset: [] };
  if (names.length === 0) return out;
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.counters(tenantId),
      UpdateExpression: `ADD ${names.map((name) => `#${name} :${name}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, counts[name]])),
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  for (const name of names) {
    const last = Number(String(Attributes?.[name]));
    const n = counts[name]!;
    out[name] = Array.from({ length: n }, (_, i) => last - n + 1 + i);
  }
  return out;
}
