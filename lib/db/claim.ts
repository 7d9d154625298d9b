/**
 * One claim primitive: an item attribute pair (owner, until) that one owner at a time holds under
 * a lease, kept only by conditional writes (never read-then-write):
 *
 *   take      if the claim is absent (no owner) or, unless `lapsed: false`, lapsed (until < now);
 *             also adds 1 to the claim's epoch, so every take is numbered
 *   renew     moves `until` on, if `owner` still holds it
 *   release   frees it (owner and until removed, or the item deleted), if `owner` still holds it
 *   complete  ends it for good (until removed, owner kept: never taken, renewed or released
 *             again), if `owner` holds it
 *   held      the protocol's own changes, if `owner` holds it (the claim itself unchanged)
 * "Holds" is `owner = :owner AND attribute_exists(until)`: a lapsed holder still holds it until
 * someone takes it over (then the owner differs).
 *
 * A holder whose lease lapsed and was taken over can neither renew, release nor complete: every
 * step after the take is conditioned on `owner`. Each step exists as a transaction item (to
 * combine with the protocol's own writes) and as a single call. Protocols built on it (all four):
 * the units assign lock (lib/units/repository-assign.ts), the Idempotency-Key claim
 * (lib/idempotency/repository.ts), the inventory list claim (lib/inventory/repository-list-claim.ts)
 * and the enrollment pending batch (lib/enrollment/repository-batches.ts); docs/RELIABILITY.md,
 * "One claim primitive".
 *
 * `now` and `until` are milliseconds the caller passes (never read here), so a test or a
 * simulation can run the clock.
 */
import { UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from './client';
import { isConditionFailed } from './conditions';

import type { TransactItem } from './types';

export interface ClaimRef {
  table: string;
  key: Record<string, unknown>;
  /** Attribute names (default `claim_owner`, `claim_until`, `claim_epoch`). */
  owner?: string;
  until?: string;
  /** False: takes are not numbered, so a take and its release leave the item exactly as it was (epochs then read 0). */
  epoch?: string | false;
}

const epochOf = (ref: ClaimRef): string | undefined => (ref.epoch === false ? undefined : (ref.epoch ?? 'claim_epoch'));

/** More of the protocol's own expression: `SET` / `REMOVE` / `ADD` clauses and a condition, with their names and values. */
export interface Extra {
  set?: string[];
  remove?: string[];
  add?: string[];
  /** ANDed with the claim's condition. */
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** A lease's end and the current time: milliseconds, or ISO strings (compared as strings) where `until` is also an index key. */
export type Instant = number | string;

export interface TakeOptions {
  owner: string;
  until: Instant;
  now: Instant;
  /** Take over a lapsed claim as well (default). False: only an absent one (the protocol recovers a lapsed holder first). */
  lapsed?: boolean;
  /** Another case in which the claim may be taken (ORed with absent/lapsed), e.g. the record expired. */
  orIf?: { condition: string; names?: Record<string, string>; values?: Record<string, unknown> };
  extra?: Extra;
  /** On a failed take, the item as it was (single call only). */
  returnOld?: boolean;
  /** On a successful take, the item as it was before (single call only; none when it was absent). */
  returnPrevious?: boolean;
}

/** Held by `:cOwner`: a completed claim keeps its owner but has no `until` any more, and nothing acts on it. */
const heldBy = '#cOwner = :cOwner AND attribute_exists(#cUntil)';

const names = (ref: ClaimRef) => ({
  '#cOwner': ref.owner ?? 'claim_owner',
  '#cUntil': ref.until ?? 'claim_until',
  '#cEpoch': epochOf(ref) ?? 'claim_epoch',
});

function expression(clauses: { set: string[]; remove: string[]; add: string[] }): string {
  return [
    clauses.set.length ? `SET ${clauses.set.join(', ')}` : '',
    clauses.remove.length ? `REMOVE ${clauses.remove.join(', ')}` : '',
    clauses.add.length ? `ADD ${clauses.add.join(', ')}` : '',
  ].filter(Boolean).join(' ');
}

/** The names the expression uses (DynamoDB refuses unused ones). */
function used(text: string, all: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(all).filter(([n]) => text.includes(n)));
}
function usedValues(text: string, all: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(all).filter(([n]) => new RegExp(`${n}(?![A-Za-z0-9_])`).test(text)));
}

interface Built {
  TableName: string;
  Key: Record<string, unknown>;
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

function build(ref: ClaimRef, update: { set: string[]; remove: string[]; add: string[] }, condition: string, values: Record<string, unknown>, extra: Extra = {}): Built {
  const clauses = {
    set: [...update.set, ...(extra.set ?? [])],
    remove: [...update.remove, ...(extra.remove ?? [])],
    add: [...update.add, ...(extra.add ?? [])],
  };
  const UpdateExpression = expression(clauses);
  const ConditionExpression = extra.condition ? `(${condition}) AND (${extra.condition})` : condition;
  const text = `${UpdateExpression} ${ConditionExpression}`;
  const allValues = usedValues(text, { ...values, ...(extra.values ?? {}) });
  return {
    TableName: ref.table,
    Key: ref.key,
    UpdateExpression,
    ConditionExpression,
    ExpressionAttributeNames: used(text, { ...names(ref), ...(extra.names ?? {}) }),
    ...(Object.keys(allValues).length ? { ExpressionAttributeValues: allValues } : {}),
  };
}

// ---- transaction items ------------------------------------------------------------------

export function takeItem(ref: ClaimRef, o: TakeOptions): TransactItem {
  const free = o.lapsed === false ? 'attribute_not_exists(#cOwner)' : 'attribute_not_exists(#cOwner) OR #cUntil < :cNow';
  const condition = o.orIf ? `${free} OR (${o.orIf.condition})` : free;
  const built = build(
    ref,
    { set: ['#cOwner = :cOwner', '#cUntil = :cUntil'], remove: [], add: epochOf(ref) ? ['#cEpoch :cOne'] : [] },
    condition,
    { ':cOwner': o.owner, ':cUntil': o.until, ':cNow': o.now, ':cOne': 1, ...(o.orIf?.values ?? {}) },
    { ...o.extra, names: { ...(o.orIf?.names ?? {}), ...(o.extra?.names ?? {}) } },
  );
  return { Update: { ...built, ...(o.returnOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}) } };
}

export function renewItem(ref: ClaimRef, owner: string, until: Instant, extra?: Extra): TransactItem {
  return { Update: build(ref, { set: ['#cUntil = :cUntil'], remove: [], add: [] }, heldBy, { ':cOwner': owner, ':cUntil': until }, extra) };
}

/** Frees the claim (owner and until removed) with the protocol's own changes, if `owner` holds it. */
export function releaseItem(ref: ClaimRef, owner: string, extra?: Extra): TransactItem {
  return { Update: build(ref, { set: [], remove: ['#cOwner', '#cUntil'], add: [] }, heldBy, { ':cOwner': owner }, extra) };
}

/** Ends the claim for good (until removed, owner kept) with the protocol's own changes, if `owner` holds it. */
export function completeItem(ref: ClaimRef, owner: string, extra?: Extra): TransactItem {
  return { Update: build(ref, { set: [], remove: ['#cUntil'], add: [] }, heldBy, { ':cOwner': owner }, extra) };
}

/** The protocol's own changes (nothing of the claim's), if `owner` holds the claim. */
export function heldItem(ref: ClaimRef, owner: string, extra: Extra): TransactItem {
  return { Update: build(ref, { set: [], remove: [], add: [] }, heldBy, { ':cOwner': owner }, extra) };
}

// ---- single calls -----------------------------------------------------------------------

export type Taken = { taken: true; epoch: number; previous?: Record<string, unknown> } | { taken: false; item?: Record<string, unknown> };

export async function take(ref: ClaimRef, o: TakeOptions): Promise<Taken> {
  const { Update } = takeItem(ref, o) as { Update: Built };
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({ ...Update, ReturnValues: o.returnPrevious ? 'ALL_OLD' : 'UPDATED_NEW', ...(o.returnOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}) }),
    );
    const epochName = epochOf(ref);
    if (!epochName) return { taken: true, epoch: 0, ...(o.returnPrevious && Attributes ? { previous: Attributes } : {}) };
    if (o.returnPrevious) {
      // ALL_OLD: the epoch before this take, or nothing when the item was absent.
      return { taken: true, epoch: Number(String(Attributes?.[epochName] ?? 0)) + 1, ...(Attributes ? { previous: Attributes } : {}) };
    }
    return { taken: true, epoch: Number(String(Attributes?.[epochName] ?? 0)) };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const old = err.Item as Record<string, AttributeValue> | undefined;
    return { taken: false, ...(old ? { item: unmarshall(old) } : {}) };
  }
}

/** Held: the epoch (the take's number) the step acted on; false when `owner` does not hold the claim. */
export type Held = false | { epoch: number };

async function conditional(ref: ClaimRef, item: TransactItem): Promise<Held> {
  try {
    const { Attributes } = await db().send(new UpdateCommand({ ...(item as { Update: Built }).Update, ReturnValues: 'ALL_OLD' }));
    const epochName = epochOf(ref);
    return { epoch: epochName ? Number(String(Attributes?.[epochName] ?? 0)) : 0 };
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

export const renew = (ref: ClaimRef, owner: string, until: Instant, extra?: Extra) => conditional(ref, renewItem(ref, owner, until, extra));
export const release = (ref: ClaimRef, owner: string, extra?: Extra) => conditional(ref, releaseItem(ref, owner, extra));
export const complete = (ref: ClaimRef, owner: string, extra?: Extra) => conditional(ref, completeItem(ref, owner, extra));
export const whileHeld = (ref: ClaimRef, owner: string, extra: Extra) => conditional(ref, heldItem(ref, owner, extra));

/** Releases by deleting the whole item, if `owner` holds it (a claim that is its own record). */
export async function releaseByDelete(ref: ClaimRef, owner: string, extra: Pick<Extra, 'condition' | 'names' | 'values'> = {}): Promise<Held> {
  const condition = extra.condition ? `${heldBy} AND (${extra.condition})` : heldBy;
  try {
    const { Attributes } = await db().send(
      new DeleteCommand({
        TableName: ref.table,
        Key: ref.key,
        ConditionExpression: condition,
        ExpressionAttributeNames: used(condition, { ...names(ref), ...(extra.names ?? {}) }),
        ExpressionAttributeValues: { ':cOwner': owner, ...(extra.values ?? {}) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const epochName = epochOf(ref);
    return { epoch: epochName ? Number(String(Attributes?.[epochName] ?? 0)) : 0 };
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}
