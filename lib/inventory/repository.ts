/**
 * Every DynamoDB command of the inventory surface. Keys and item shapes come from keys.ts;
 * invariants are enforced by conditions inside transactions, never by reading first:
 * a unit write is conditioned on the version that was read (optimistic concurrency), new
 * units and records on not existing yet, an asset id on its claim item not existing yet.
 */
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { tableName } from '../db/tables';
import type { InventoryRecord, InventoryUnit } from './model';
import {
  assetItem,
  indexItem,
  indexKey,
  indexValues,
  keys,
  locationItem,
  partFrom,
  partItem,
  recordFrom,
  recordItem,
  sortPrefix,
  SEARCH_FIELDS,
  sublocationFrom,
  sublocationItem,
  unitFrom,
  unitItem,
  uomFrom,
  uomItem,
  type CounterName,
  type Item,
  type Key,
  type Location,
  type Part,
  type SearchField,
  type Sublocation,
  type UnitOfMeasure,
} from './keys';

const table = () => tableName('inventory');

/** Another write got there first (version changed or DynamoDB saw a concurrent transaction): read again and retry. */
export class WriteConflict extends Error {
  constructor() {
    super('Concurrent write to the same inventory unit');
    this.name = 'WriteConflict';
  }
}

/** The asset id is already claimed by another unit of the tenant. */
export class AssetTaken extends Error {
  constructor(readonly assetId: string) {
    super(`Asset id taken: ${assetId}`);
    this.name = 'AssetTaken';
  }
}

async function get(key: Key): Promise<Item | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
  return Item;
}

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
export const putLocation = (tenantId: string, location: Location) => put(locationItem(tenantId, location));
export const putSublocation = (tenantId: string, sub: { id: number; name: string }, location: Location) =>
  put(sublocationItem(tenantId, sub, location));

// ------------------------------------------------------------------ units and records

export const getUnit = async (tenantId: string, id: number): Promise<InventoryUnit | undefined> => {
  const item = await get(keys.unit(tenantId, id));
  return item && unitFrom(item);
};

/** The units with these ids, in the order given (at most 100: one page). */
export async function getUnits(tenantId: string, ids: number[]): Promise<InventoryUnit[]> {
  const found = new Map<number, InventoryUnit>();
  let pending: Key[] = ids.map((id) => keys.unit(tenantId, id));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(500, 20 * 2 ** attempt)));
    const out = await db().send(
      new BatchGetCommand({ RequestItems: { [table()]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of out.Responses?.[table()] ?? []) found.set(Number(String(item.id)), unitFrom(item));
    pending = (out.UnprocessedKeys?.[table()]?.Keys ?? []) as Key[];
  }
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

async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
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

// ------------------------------------------------------------------ the one write path

/** One unit's change: `before` is what was read (absent for a new unit). */
export interface UnitWrite {
  before?: InventoryUnit;
  after: InventoryUnit;
  records?: InventoryRecord[];
  /** An asset id to claim for `after` in the same transaction. */
  claimAsset?: string;
}

type Tagged = { tag: 'unit' | 'asset' | 'other'; assetId?: string; op: Record<string, unknown> };

function indexOps(tenantId: string, w: UnitWrite): Tagged[] {
  const before = w.before ? indexValues(w.before) : {};
  const after = indexValues(w.after);
  const ops: Tagged[] = [];
  for (const field of SEARCH_FIELDS) {
    const [old, now] = [before[field], after[field]];
    if (old === now) continue;
    const oldKey = old === undefined ? undefined : indexKey(tenantId, field, old, w.after.id);
    const newItem = now === undefined ? undefined : indexItem(tenantId, field, now, w.after.id);
    if (oldKey && !(newItem && newItem.sk === oldKey.sk)) {
      ops.push({ tag: 'other', op: { Delete: { TableName: table(), Key: oldKey } } });
    }
    if (newItem) ops.push({ tag: 'other', op: { Put: { TableName: table(), Item: newItem } } });
  }
  return ops;
}

function transactionOps(tenantId: string, w: UnitWrite): Tagged[] {
  const unitPut = w.before
    ? {
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': w.before.version },
      }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  const ops: Tagged[] = [{ tag: 'unit', op: { Put: { TableName: table(), Item: unitItem(tenantId, w.after), ...unitPut } } }];
  if (w.claimAsset) {
    ops.push({
      tag: 'asset',
      assetId: w.claimAsset,
      op: {
        Put: {
          TableName: table(),
          Item: assetItem(tenantId, w.claimAsset, w.after.id),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    });
  }
  for (const record of w.records ?? []) {
    ops.push({
      tag: 'other',
      op: { Put: { TableName: table(), Item: recordItem(tenantId, record), ConditionExpression: 'attribute_not_exists(pk)' } },
    });
  }
  return [...ops, ...indexOps(tenantId, w)];
}

/**
 * Writes units, their log entries, asset claims and search index changes in one
 * transaction: all of it happens or none. Throws WriteConflict when a unit changed since it
 * was read, AssetTaken when an asset id is already claimed.
 */
export async function commitUnitWrites(tenantId: string, writes: UnitWrite[]): Promise<void> {
  const tagged = writes.flatMap((w) => transactionOps(tenantId, w));
  try {
    await db().send(new TransactWriteCommand({ TransactItems: tagged.map((t) => t.op) as never }));
  } catch (err) {
    throw explain(err, tagged);
  }
}

function explain(err: unknown, tagged: Tagged[]): unknown {
  const name = (err as Error).name;
  if (name === 'TransactionConflictException') return new WriteConflict();
  if (name !== 'TransactionCanceledException') return err;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
  if (reasons.some((r) => r.Code === 'TransactionConflict') || tagged.some((t, i) => t.tag === 'unit' && failed(i))) {
    return new WriteConflict();
  }
  const asset = tagged.find((t, i) => t.tag === 'asset' && failed(i));
  return asset ? new AssetTaken(asset.assetId!) : err;
}

// ------------------------------------------------------------------ search index

export type Comparison = 'contains' | 'equals' | 'starts_with';

/**
 * Ids of the units whose `field` matches, read from that field's index partition only.
 * - equals / starts_with: a Query with `begins_with` on the sort key, so it reads about as
 *   many (tiny) index items as there are matches; the filter on `v` only drops the rare
 *   false positive (a value containing '#', or one longer than the sort key prefix).
 * - contains: DynamoDB has no infix index, so the Query reads every index item of that one
 *   field for the tenant (keys and a short value, never units) and filters on `v`.
 * Only `u` (the unit id) comes back.
 */
export async function matchingUnitIds(
  tenantId: string,
  field: SearchField,
  comparison: Comparison,
  term: string,
): Promise<number[]> {
  const values: Record<string, unknown> = { ':pk': keys.indexPartition(tenantId, field), ':term': term };
  let keyCondition = 'pk = :pk';
  if (comparison !== 'contains') {
    const { prefix, whole } = sortPrefix(term);
    // '#' ends the value in the sort key, so an exact match can skip longer values.
    values[':prefix'] = comparison === 'equals' && whole ? `${prefix}#` : prefix;
    keyCondition += ' AND begins_with(sk, :prefix)';
  }
  const filter = { contains: 'contains(v, :term)', equals: 'v = :term', starts_with: 'begins_with(v, :term)' }[comparison];
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: keyCondition,
    FilterExpression: filter,
    ProjectionExpression: 'u',
    ExpressionAttributeValues: values,
    ConsistentRead: true,
  });
  return items.map((item) => Number(String(item.u)));
}

/** Ids of all the tenant's units: every unit has exactly one `part_id` index item. */
export async function allUnitIds(tenantId: string): Promise<number[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ProjectionExpression: 'u',
    ExpressionAttributeValues: { ':pk': keys.indexPartition(tenantId, 'part_id') },
    ConsistentRead: true,
  });
  return items.map((item) => Number(String(item.u)));
}
