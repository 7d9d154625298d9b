/**
 * Reference records created over HTTP (parts, locations, logins, courses, ...): each gets a
 * server-assigned id and a list position (`seq`, 1, 2, 3, ... per kind and tenant) from a
 * counter item, in the same transaction as the record and its uniqueness claims. So a page of
 * a list is a key range (`seq` from..to, O(page) reads), the list's total is the counter
 * (exact), and a refused create changes nothing, counter included (docs/REFERENCE-DATA.md).
 *
 * The counter is read, then written back conditioned on the value read (optimistic): two
 * concurrent creates of one kind cannot take the same id or position; the loser reads again.
 * Records are never deleted, so positions stay dense.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../errors';
import { db } from './client';
import { cancellation, isContended } from './conditions';
import { queryAll } from './paging';
import { refusalAt, type Guarded } from './refusals';
import { withRetry } from './retry';
import type { Item, Key, TransactItem } from './types';


export interface Counter {
  table: string;
  key: Key;
  /** Counter attribute holding the number of records of this kind (= the last `seq`). */
  seqAttr: string;
  /** Counter attribute holding the highest id handed out, for kinds with numeric ids. */
  idAttr?: string;
}

export interface Assigned {
  id: number;
  seq: number;
}

/** Lost the counter to a concurrent create (or a contended item): read again, try again. */
class CounterMoved extends Error {}

const num = (v: unknown) => (v === undefined || v === null ? 0 : Number(String(v)));

/** The counter's current values (strongly consistent). */
export async function readCounter(counter: Counter): Promise<{ seq: number; id: number }> {
  const { Item } = await db().send(new GetCommand({ TableName: counter.table, Key: counter.key, ConsistentRead: true }));
  return { seq: num(Item?.[counter.seqAttr]), id: counter.idAttr ? num(Item?.[counter.idAttr]) : 0 };
}

/**
 * Writes `items(assigned)` with the next position and id (or `explicitId`, for imports: the id
 * counter then moves up to it if it is higher) in one transaction with the counter update.
 * A failed item condition throws what that item was tagged with (refusals.ts: a taken claim,
 * an existing record); retries when the counter moved; 503 when it keeps moving.
 */
export async function createSequenced(
  counter: Counter,
  items: (assigned: Assigned) => Guarded[],
  explicitId?: number,
): Promise<Assigned> {
  return withRetry(
    async () => {
      const last = await readCounter(counter);
      const assigned = { seq: last.seq + 1, id: explicitId ?? last.id + 1 };
      const names: Record<string, string> = { '#seq': counter.seqAttr };
      const values: Record<string, unknown> = { ':seq': assigned.seq, ':lastSeq': last.seq };
      let set = '#seq = :seq';
      let condition = '(attribute_not_exists(#seq) AND :lastSeq = :zero OR #seq = :lastSeq)';
      values[':zero'] = 0;
      if (counter.idAttr) {
        names['#id'] = counter.idAttr;
        values[':id'] = Math.max(assigned.id, last.id);
        values[':lastId'] = last.id;
        set += ', #id = :id';
        condition += ' AND (attribute_not_exists(#id) AND :lastId = :zero OR #id = :lastId)';
      }
      const counterUpdate: TransactItem = {
        Update: {
          TableName: counter.table,
          Key: counter.key,
          UpdateExpression: `SET ${set}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
      const guarded = items(assigned);
      try {
        await db().send(new TransactWriteCommand({ TransactItems: [counterUpdate, ...guarded] }));
        return assigned;
      } catch (err) {
        const reasons = cancellation(err);
        if (isContended(err) || reasons?.conditionFailedAt.includes(0)) throw new CounterMoved();
        const failed = reasons?.conditionFailedAt[0];
        if (failed !== undefined) throw refusalAt(guarded, failed - 1);
        throw err;
      }
    },
    {
      attempts: 30,
      capMs: 400,
      retryIf: (err) => err instanceof CounterMoved,
      onExhausted: (err) => new ServiceUnavailableError({ cause: err }),
    },
  );
}

/**
 * One transaction of `items`; a failed item condition throws what that item was tagged with
 * (refusals.ts); retries contention (another transaction on the same items), 503 when it persists.
 */
export async function transactOrRefuse(items: Guarded[]): Promise<void> {
  await withRetry(
    async () => {
      try {
        await db().send(new TransactWriteCommand({ TransactItems: items }));
      } catch (err) {
        const reasons = cancellation(err);
        if (!isContended(err) && reasons?.conditionFailedAt[0] !== undefined) throw refusalAt(items, reasons.conditionFailedAt[0]);
        throw err;
      }
    },
    {
      attempts: 8,
      capMs: 400,
      retryIf: (err) => isContended(err),
      onExhausted: (err) => new ServiceUnavailableError({ cause: err }),
    },
  );
}

/** The first..last positions of page `page` (from 1) of `perPage`, as zero-padded sort keys. */
export const padSeq = (seq: number) => String(seq).padStart(12, '0');
function pageRange(page: number, perPage: number): { from: string; to: string } {
  return { from: padSeq((page - 1) * perPage + 1), to: padSeq(page * perPage) };
}

/** Where a kind's records sit in position order: a partition of the table or of its gsi1. */
export interface SequencedList {
  table: string;
  /** Read through gsi1 (gsi1pk/gsi1sk, eventually consistent) instead of the table (pk/sk, consistent). */
  viaIndex?: boolean;
  pk: string;
  /** Appended to the last position of the range: `~` also takes what sorts right after it (a location's sublocations). */
  toSuffix?: string;
}

/**
 * Page `page` of a list (positions (page-1)*perPage+1 .. page*perPage, one key range: O(page))
 * and its total, the counter's `seq`, read in parallel with it.
 */
export async function readPage(list: SequencedList, counter: Counter, page: number, perPage: number): Promise<{ items: Item[]; total: number }> {
  const { from, to } = pageRange(page, perPage);
  const [pkName, skName] = list.viaIndex ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
  const [items, last] = await Promise.all([
    queryAll({
      TableName: list.table,
      ...(list.viaIndex ? { IndexName: 'gsi1' } : { ConsistentRead: true }),
      KeyConditionExpression: `${pkName} = :pk AND ${skName} BETWEEN :from AND :to`,
      ExpressionAttributeValues: { ':pk': list.pk, ':from': from, ':to': `${to}${list.toSuffix ?? ''}` },
    }),
    readCounter(counter),
  ]);
  return { items, total: last.seq };
}
