/**
 * The one write path of inventory units: a unit's new version, its log entries, asset-id
 * claims, search index items, search record and (for a new unit) its place in the tenant's
 * and the part's unit lists, in one transaction. Invariants are its conditions, never a read
 * first: the unit is conditioned on the version that was read (optimistic concurrency), a new
 * unit and its log entries on not existing yet, an asset id on its claim item not existing
 * yet, a list on still holding the count that was read (so positions are dense). Why a
 * transaction failed is read with lib/db/conditions.
 */
import { DeleteCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { cancellation, isConditionFailed, isContended, TransactionConflictException } from '../db/conditions';
import { backoffMs, sleep } from '../db/retry';
import type { InventoryRecord, InventoryUnit } from './model';
import { assetItem, listCountFrom, listSlot, recordItem, unitItem, type ListCount } from './items';
import { indexItem, indexValues, RECORD_NAMES, searchRecordItem, type RecordField } from './search-index';
import { indexKey, keys, type ListScope } from './keys';
import { SEARCH_FIELDS } from './model';
import { inventoryTable as table } from '../db/tables';
import type { TransactItem } from '../db/types';

const RECORD_FIELDS = Object.keys(RECORD_NAMES) as RecordField[];


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

/** One unit's change: `before` is what was read (absent for a new unit). */
export interface UnitWrite {
  before?: InventoryUnit;
  after: InventoryUnit;
  records?: InventoryRecord[];
  /** An asset id to claim for `after` in the same transaction. */
  claimAsset?: string;
}

/** The tenant's and the new units' part's list counts, as read before the transaction, and the hold on the tenant's. */
export interface ListCounts {
  all: ListCount;
  part: ListCount;
  /** The token holding the tenant's list (holdList). */
  token: string;
}

// ------------------------------------------------------------------ holding the tenant's list

/** A hold older than this is abandoned (its Lambda died) and may be taken over. */
const HOLD_MS = 5_000;
/** How long a create waits for the hold before answering 503. */
const WAIT_MS = 20_000;

/**
 * Takes the tenant's unit list for one create or split and answers its count. Appends of a
 * tenant serialise anyway (each is conditioned on the count it read); without a hold, N
 * concurrent creates would send ~N²/2 doomed transactions, with it the waiting ones retry a
 * one-item conditional write instead and each transaction finds the count unchanged. Only an
 * optimisation: the transaction's own condition on the count keeps positions dense whatever
 * happens to a hold; the token must still hold it there, and it releases it.
 */
export async function holdList(tenantId: string, token: string): Promise<ListCount> {
  const until = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    try {
      const { Attributes } = await db().send(
        new UpdateCommand({
          TableName: table(),
          Key: keys.listCount(tenantId, 'all'),
          UpdateExpression: 'SET #hold = :token, #heldAt = :now',
          ConditionExpression: 'attribute_not_exists(#hold) OR #hold = :token OR #heldAt < :stale',
          ExpressionAttributeNames: { '#hold': 'hold', '#heldAt': 'heldAt' },
          ExpressionAttributeValues: { ':token': token, ':now': now, ':stale': now - HOLD_MS },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return listCountFrom(Attributes);
    } catch (err) {
      // Held by another, or its transaction is writing the item right now.
      if (!isConditionFailed(err) && !isContended(err)) throw err;
      if (Date.now() > until) throw new WriteConflict();
      await sleep(backoffMs(attempt, { baseMs: 10, capMs: 200 }));
    }
  }
}

/**
 * Gives the hold back after a create or split that did not commit (a committed one released it).
 * A tenant with no list yet got its count item from the hold itself: that item is deleted again,
 * so a refused create or split leaves nothing behind.
 */
export async function releaseList(tenantId: string, token: string): Promise<void> {
  const names = { '#hold': 'hold', '#heldAt': 'heldAt' };
  try {
    await db().send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.listCount(tenantId, 'all'),
        ConditionExpression: '#hold = :token AND attribute_not_exists(#n)',
        ExpressionAttributeNames: { '#hold': 'hold', '#n': 'n' },
        ExpressionAttributeValues: { ':token': token },
      }),
    );
    return;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.listCount(tenantId, 'all'),
        UpdateExpression: 'REMOVE #hold, #heldAt',
        ConditionExpression: '#hold = :token',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}

/** Runs `fn` (which holds the tenant's list with `token`), giving the hold back if it fails. */
export async function withListHold<T>(tenantId: string, token: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    await releaseList(tenantId, token).catch(() => undefined);
    throw err;
  }
}

/** A transaction item and what its condition guards, to explain a cancellation. */
type Tagged = { tag: 'unit' | 'asset' | 'list' | 'other'; assetId?: string; op: TransactItem };

const notExists = { ConditionExpression: 'attribute_not_exists(pk)' };

/** Index item Deletes/Puts for the values that changed, and the search record when any did. */
function indexOps(tenantId: string, w: UnitWrite): Tagged[] {
  const before = w.before ? indexValues(w.before) : {};
  const after = indexValues(w.after);
  const ops: Tagged[] = [];
  if (!w.before || RECORD_FIELDS.some((field) => before[field] !== after[field])) {
    ops.push({ tag: 'other', op: { Put: { TableName: table(), Item: searchRecordItem(tenantId, w.after) } } });
  }
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
  const unitCondition = w.before
    ? {
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': w.before.version },
      }
    : notExists;
  const ops: Tagged[] = [{ tag: 'unit', op: { Put: { TableName: table(), Item: unitItem(tenantId, w.after), ...unitCondition } } }];
  if (w.claimAsset) {
    const Item = assetItem(tenantId, w.claimAsset, w.after.id);
    ops.push({ tag: 'asset', assetId: w.claimAsset, op: { Put: { TableName: table(), Item, ...notExists } } });
  }
  for (const record of w.records ?? []) {
    ops.push({ tag: 'other', op: { Put: { TableName: table(), Item: recordItem(tenantId, record), ...notExists } } });
  }
  return [...ops, ...indexOps(tenantId, w)];
}

/**
 * Appends `ids` (ascending, all above `count.last`) to a list: its count and highest id,
 * conditioned on the count read, and the block(s) they land in.
 */
function appendOps(tenantId: string, scope: ListScope, count: ListCount, ids: number[], token?: string): Tagged[] {
  const held = token !== undefined;
  const counter: TransactItem = {
    Update: {
      TableName: table(),
      Key: keys.listCount(tenantId, scope),
      UpdateExpression: `SET #n = :n, #last = :last${held ? ' REMOVE #hold, #heldAt' : ''}`,
      ExpressionAttributeNames: { '#n': 'n', '#last': 'last', ...(held ? { '#hold': 'hold', '#heldAt': 'heldAt' } : {}) },
      ExpressionAttributeValues: {
        ':n': count.n + ids.length,
        ':last': ids.at(-1),
        ...(count.n ? { ':read': count.n } : {}),
        ...(held ? { ':token': token } : {}),
      },
      ConditionExpression: `${count.n ? '#n = :read' : 'attribute_not_exists(#n)'}${held ? ' AND #hold = :token' : ''}`,
    },
  };
  const blocks = new Map<number, number[]>();
  ids.forEach((id, i) => {
    const { block } = listSlot(count.n + i);
    blocks.set(block, [...(blocks.get(block) ?? []), id]);
  });
  const appends: Tagged[] = [...blocks].map(([block, blockIds]) => ({
    tag: 'other',
    op: {
      Update: {
        TableName: table(),
        Key: keys.listBlock(tenantId, scope, block),
        UpdateExpression: 'SET #ids = list_append(if_not_exists(#ids, :none), :ids)',
        ExpressionAttributeNames: { '#ids': 'ids' },
        ExpressionAttributeValues: { ':none': [], ':ids': blockIds },
      },
    },
  }));
  return [{ tag: 'list', op: counter }, ...appends];
}

/** List appends for the new units (all of one part). A unit with a lower id than one listed already must take a new id. */
function listOps(tenantId: string, writes: UnitWrite[], lists: ListCounts | undefined): Tagged[] {
  const created = writes.filter((w) => !w.before).map((w) => w.after);
  if (created.length === 0) return [];
  if (!lists) throw new Error('new units need the list counts');
  const ids = created.map((u) => u.id).sort((a, b) => a - b);
  if (ids[0]! <= lists.all.last || ids[0]! <= lists.part.last) throw new WriteConflict();
  return [
    ...appendOps(tenantId, 'all', lists.all, ids, lists.token),
    ...appendOps(tenantId, { part: created[0]!.part_id }, lists.part, ids),
  ];
}

/**
 * Writes units, their log entries, asset claims, search index changes and list places in
 * one transaction: all of it happens or none. Throws WriteConflict when a unit or a list
 * changed since it was read, AssetTaken when an asset id is already claimed. New units need
 * `lists`, the counts read before (readListCounts).
 */
export async function commitUnitWrites(tenantId: string, writes: UnitWrite[], lists?: ListCounts): Promise<void> {
  const tagged = [...writes.flatMap((w) => transactionOps(tenantId, w)), ...listOps(tenantId, writes, lists)];
  try {
    await db().send(new TransactWriteCommand({ TransactItems: tagged.map((t) => t.op) }));
  } catch (err) {
    throw explain(err, tagged);
  }
}

function explain(err: unknown, tagged: Tagged[]): unknown {
  if (err instanceof TransactionConflictException) return new WriteConflict();
  const cancelled = cancellation(err);
  if (!cancelled) return err;
  const failed = (i: number) => cancelled.conditionFailedAt.includes(i);
  // Only a concurrent transaction is a conflict; throttling stays an error (503 at the edge).
  if (cancelled.codes.includes('TransactionConflict') || tagged.some((t, i) => (t.tag === 'unit' || t.tag === 'list') && failed(i))) return new WriteConflict();
  const asset = tagged.find((t, i) => t.tag === 'asset' && failed(i));
  return asset ? new AssetTaken(asset.assetId!) : err;
}
