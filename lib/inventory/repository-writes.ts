/**
 * The one write path of inventory units: a unit's new version, its log entries, asset-id
 * claims and search index changes in one transaction. Invariants are its conditions, never
 * a read first: the unit is conditioned on the version that was read (optimistic
 * concurrency), a new unit and its log entries on not existing yet, an asset id on its claim
 * item not existing yet. Why a transaction failed is read with lib/db/conditions.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { cancellation, TransactionConflictException } from '../db/conditions';
import type { InventoryRecord, InventoryUnit } from './model';
import { assetItem, indexItem, indexKey, indexValues, recordItem, SEARCH_FIELDS, unitItem } from './keys';
import { table } from './repository';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

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

/** A transaction item and what its condition guards, to explain a cancellation. */
type Tagged = { tag: 'unit' | 'asset' | 'other'; assetId?: string; op: TransactItem };

const notExists = { ConditionExpression: 'attribute_not_exists(pk)' };

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
 * Writes units, their log entries, asset claims and search index changes in one
 * transaction: all of it happens or none. Throws WriteConflict when a unit changed since it
 * was read, AssetTaken when an asset id is already claimed.
 */
export async function commitUnitWrites(tenantId: string, writes: UnitWrite[]): Promise<void> {
  const tagged = writes.flatMap((w) => transactionOps(tenantId, w));
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
  if (cancelled.codes.includes('TransactionConflict') || tagged.some((t, i) => t.tag === 'unit' && failed(i))) return new WriteConflict();
  const asset = tagged.find((t, i) => t.tag === 'asset' && failed(i));
  return asset ? new AssetTaken(asset.assetId!) : err;
}
