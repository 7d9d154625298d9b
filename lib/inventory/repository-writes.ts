/**
 * The one write path of inventory units: a unit's new version, its log entries, asset-id
 * claims, search index items, search record and (for a new unit) its place in the tenant's
 * and the part's unit lists, in one transaction. Invariants are its conditions, never a read
 * first: the unit is conditioned on the version that was read (optimistic concurrency), a new
 * unit and its log entries on not existing yet, an asset id on its claim item not existing
 * yet, a list on still holding the count that was read (so positions are dense), the tenant's
 * list also on its claim (repository-list-claim.ts). Why a transaction failed is read with
 * lib/db/conditions.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { cancellation, TransactionConflictException } from '../db/conditions';
import { listClaimRelease } from './repository-list-claim';
import { AssetTaken, WriteConflict } from './write-errors';
import type { InventoryRecord, InventoryUnit } from './model';
import { assetItem, listSlot, recordItem, unitItem, type ListCount } from './items';
import { indexItem, indexValues, RECORD_NAMES, searchRecordItem, type RecordField } from './search-index';
import { indexKey, keys, type ListScope } from './keys';
import { SEARCH_FIELDS } from './model';
import { inventoryTable as table } from '../db/tables';
import type { TransactItem } from '../db/types';

const RECORD_FIELDS = Object.keys(RECORD_NAMES) as RecordField[];

export { AssetTaken, WriteConflict };


/** One unit's change: `before` is what was read (absent for a new unit). */
export interface UnitWrite {
  before?: InventoryUnit;
  after: InventoryUnit;
  records?: InventoryRecord[];
  /** An asset id to claim for `after` in the same transaction. */
  claimAsset?: string;
}

/** The tenant's and the new units' part's list counts, as read before the transaction, and the claim on the tenant's. */
export interface ListCounts {
  all: ListCount;
  part: ListCount;
  /** The owner of the claim on the tenant's list (repository-list-claim.ts `claimList`). */
  owner: string;
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
function appendOps(tenantId: string, scope: ListScope, count: ListCount, ids: number[], owner?: string): Tagged[] {
  const update = {
    set: ['#n = :n', '#last = :last'],
    condition: count.n ? '#n = :read' : 'attribute_not_exists(#n)',
    names: { '#n': 'n', '#last': 'last' },
    values: { ':n': count.n + ids.length, ':last': ids.at(-1), ...(count.n ? { ':read': count.n } : {}) },
  };
  // The tenant's list: the claim released with the append (only while `owner` holds it).
  const counter: TransactItem = owner !== undefined
    ? listClaimRelease(tenantId, owner, update)
    : {
        Update: {
          TableName: table(),
          Key: keys.listCount(tenantId, scope),
          UpdateExpression: 'SET #n = :n, #last = :last',
          ConditionExpression: update.condition,
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: update.values,
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
    ...appendOps(tenantId, 'all', lists.all, ids, lists.owner),
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
