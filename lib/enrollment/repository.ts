/**
 * The enrollment table's reads and direct writes for the endpoints (keys and item shapes:
 * keys.ts; enroll/cancel/restore: repository-redeem.ts; a generate request's batch:
 * repository-batches.ts; the jobs: repository-expire.ts, repository-reconcile.ts).
 * See docs/ENROLLMENT.md.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { countAll, queryAll } from '../db/paging';
import type { Item } from '../db/types';
import { batchKey, blockSize, codeKey, counterKey, courseKey, coursePk, enrollmentKey, enrollmentPrefix, expiryCountPk, codeListPk, codeCountKey, positionsKey, seqKey } from './keys';
import { courseItem, listedItems } from './items';
import { counterItem, delta, expiryItems } from './counts';
import type { CodeRecord, CodeStatus, Course } from './model';
import { transact } from './repository-transact';
import type { TransactItem } from '../db/types';
import { enrollmentTable as table } from '../db/tables';

/**
 * Creates or replaces a course's configuration (seeds, tests, benchmarks); its enrollments,
 * counts and codes are untouched. The cap goes onto COUNTER in the same transaction (capUpdate).
 */
export async function putCourse(tenantId: string, course: Course): Promise<void> {
  await transact([{ Put: { TableName: table(), Item: courseItem(tenantId, course) } }, capUpdate(tenantId, course)]);
}

/**
 * COUNTER's `cap`: max_enrollments where enroll's transaction checks it against `enrolled`, so a
 * lowered cap binds every enroll that commits after it (no enroll decides on a cap it read).
 * With `guard`, refused when more are enrolled than the new cap.
 */
export function capUpdate(tenantId: string, course: Course, guard = false): TransactItem {
  const max = course.maxEnrollments;
  return {
    Update: {
      TableName: table(),
      Key: counterKey(tenantId, course.courseId),
      UpdateExpression: max === undefined ? 'REMOVE #cap' : 'SET #cap = :max',
      ExpressionAttributeNames: { '#cap': 'cap' },
      ...(max === undefined ? {} : { ExpressionAttributeValues: { ':max': max } }),
      ...(guard && max !== undefined ? { ConditionExpression: 'attribute_not_exists(enrolled) OR enrolled <= :max' } : {}),
    },
  };
}

function toCourse(item: Item): Course {
  return {
    courseId: String(item.courseId),
    ...(item.enrollmentStart ? { enrollmentStart: String(item.enrollmentStart) } : {}),
    ...(item.enrollmentEnd ? { enrollmentEnd: String(item.enrollmentEnd) } : {}),
    ...(item.maxEnrollments === undefined ? {} : { maxEnrollments: Number(item.maxEnrollments) }),
  };
}

export async function getCourse(tenantId: string, courseId: string): Promise<Course | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: courseKey(tenantId, courseId) }));
  return Item ? toCourse(Item) : undefined;
}

function toCode(item: Item): CodeRecord {
  const optional = (name: 'expiresAt' | 'email' | 'redeemedAt') => (item[name] ? { [name]: String(item[name]) } : {});
  return {
    code: String(item.code),
    courseId: String(item.courseId),
    status: String(item.status) as CodeStatus,
    createdAt: String(item.createdAt),
    ...optional('expiresAt'),
    ...optional('email'),
    ...optional('redeemedAt'),
  };
}

/** A stored code and where it sits: its listing position, or the batch that wrote it and its index there. */
export interface StoredCode {
  record: CodeRecord;
  seq?: number;
  batch?: string;
  idx?: number;
}

/** Strongly consistent: status changes and enrolls decide on what they read here. */
export async function getStoredCode(tenantId: string, code: string): Promise<StoredCode | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: codeKey(tenantId, code), ConsistentRead: true }));
  if (!Item) return undefined;
  return {
    record: toCode(Item),
    ...(Item.seq === undefined ? {} : { seq: Number(Item.seq) }),
    ...(Item.batch === undefined ? {} : { batch: String(Item.batch), idx: Number(Item.idx) }),
  };
}

/** The stored code item whatever its batch (tests, the reliability snapshots). */
export async function getCode(tenantId: string, code: string): Promise<CodeRecord | undefined> {
  return (await getStoredCode(tenantId, code))?.record;
}

/**
 * Whether the API may see a stored code: only once its batch has committed (a generate request
 * that died half-way never makes its codes visible), and then its listing position. Strongly
 * consistent, so a code returned by generate can be used at once. A batch never leaves
 * `committed`, so what this answers stays true.
 */
export async function visibility(tenantId: string, stored: StoredCode): Promise<{ visible: boolean; seq?: number }> {
  if (stored.batch === undefined) return { visible: true, ...(stored.seq === undefined ? {} : { seq: stored.seq }) }; // listed when written
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: batchKey(tenantId, stored.batch), ProjectionExpression: '#s, #start', ExpressionAttributeNames: { '#s': 'status', '#start': 'start' }, ConsistentRead: true }),
  );
  if (Item?.status !== 'committed') return { visible: false };
  return { visible: true, seq: Number(Item.start) + stored.idx! };
}

export async function getEnrolledCount(tenantId: string, courseId: string): Promise<number> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: counterKey(tenantId, courseId), ConsistentRead: true }));
  return Item?.enrolled === undefined ? 0 : Number(Item.enrolled);
}

export async function isEnrolled(tenantId: string, courseId: string, email: string): Promise<boolean> {
  const { Item } = await db().send(
    new GetCommand({ TableName: table(), Key: enrollmentKey(tenantId, courseId, email), ConsistentRead: true }),
  );
  return Item !== undefined;
}

/**
 * The next enrollment position of the course (1, 2, 3, ...): one unconditional ADD on an item
 * no transaction touches, so concurrent enrolls never wait on each other for it.
 */
export async function allocatePosition(tenantId: string, courseId: string): Promise<number> {
  const { Attributes } = await db().send(
    new UpdateCommand({ TableName: table(), Key: positionsKey(tenantId, courseId), UpdateExpression: 'ADD positions :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
  );
  return Number(Attributes?.positions);
}

/** Counts the course's enrollment items (the reconcile job's check on the counter). */
export function countEnrollments(tenantId: string, courseId: string): Promise<number> {
  return countAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': coursePk(tenantId, courseId), ':prefix': enrollmentPrefix },
    ConsistentRead: true,
  });
}

// ------------------------------------------------------------------------------------ listing

export interface CourseListing {
  course?: Course;
  /** how many codes the course lists */
  count: number;
  /** COUNTER as stored (enrolled, cap, n_<status>); undefined before the first enroll */
  counter?: Item;
}

/** The course (undefined if absent), its code count and counters: one Query of its small items. */
export async function getCourseListing(tenantId: string, courseId: string): Promise<CourseListing> {
  // sk order: CODES < COUNTER < COURSE, the small items of the course partition.
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': coursePk(tenantId, courseId), ':from': codeCountKey(tenantId, courseId).sk, ':to': 'COURSE' },
      ConsistentRead: true,
    }),
  );
  const course = Items.find((i) => i.sk === 'COURSE');
  const meta = Items.find((i) => i.sk === 'CODES');
  const counter = Items.find((i) => i.sk === 'COUNTER');
  return { ...(course ? { course: toCourse(course) } : {}), count: meta?.codes === undefined ? 0 : Number(meta.codes), ...(counter ? { counter } : {}) };
}

/** How many enrollment positions the course has handed out (the enrollments list's pages). */
export async function getPositions(tenantId: string, courseId: string): Promise<number> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: positionsKey(tenantId, courseId), ConsistentRead: true }));
  return Number(Item?.positions ?? 0);
}

/** The course's codes stored active whose expiry is before `now` (counts.ts): one key-range Query. */
export async function pastExpiryActive(tenantId: string, courseId: string, now: string): Promise<number> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND sk < :now',
    ExpressionAttributeValues: { ':pk': expiryCountPk(tenantId, courseId), ':now': now },
    ConsistentRead: true,
  });
  return items.reduce((sum, i) => sum + Number(i.active ?? 0), 0);
}

/**
 * The listed codes at positions first..last (inclusive, within the count): the blocks that hold
 * them, and the changed-code index for the ones whose status or holder changed since. Two
 * Queries in parallel, each reading O(last - first + blockSize) small entries.
 */
export async function listedCodes(tenantId: string, courseId: string, first: number, last: number): Promise<CodeRecord[]> {
  const pk = codeListPk(tenantId, courseId);
  const [blocks, changed] = await Promise.all([
    queryAll({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': seqKey(Math.max(0, first - blockSize + 1)), ':to': seqKey(last) },
      ConsistentRead: true, // written in the same transaction as the count just read
    }),
    queryAll({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': seqKey(first), ':to': seqKey(last) },
    }),
  ]);
  const current = new Map(changed.map((item) => [String(item.code), toCode(item)]));
  const out: CodeRecord[] = [];
  for (const block of blocks) {
    const start = Number(block.sk);
    (block.codes as string[]).forEach((code, i) => {
      if (start + i < first || start + i > last) return;
      out.push(
        current.get(code) ?? {
          code,
          courseId,
          status: 'active',
          createdAt: String(block.createdAt),
          ...(block.expiresAt ? { expiresAt: String(block.expiresAt) } : {}),
        },
      );
    });
  }
  return out;
}

/** One page of a course's listed codes (positions offset.., at most `limit`) and how many there are. */
export async function queryCourseCodes(
  tenantId: string,
  courseId: string,
  offset: number,
  limit: number,
): Promise<{ count: number; codes: CodeRecord[] }> {
  const { count } = await getCourseListing(tenantId, courseId);
  const last = Math.min(offset + limit, count) - 1;
  return { count, codes: last >= offset ? await listedCodes(tenantId, courseId, offset, last) : [] };
}

// ------------------------------------------------------------------------------ direct insert

/** The CODES item moves from `seen` to `next` listed codes, on condition nobody else moved it. */
export function moveCount(tenantId: string, courseId: string, seen: number, next: number): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: codeCountKey(tenantId, courseId),
      UpdateExpression: 'SET codes = :next',
      ConditionExpression: seen === 0 ? 'attribute_not_exists(codes) OR codes = :seen' : 'codes = :seen',
      ExpressionAttributeValues: { ':next': next, ':seen': seen },
    },
  };
}

// codes + a block and an expiry count each at worst + the code count and COUNTER, within a transaction's 100 items
const insertChunk = 32;

/**
 * Stores codes that are listed at once, oldest first (demo data, imports, tests), each chunk in
 * one transaction with its blocks and the course's count. Answers the indexes of codes that
 * already exist; their chunk is not written.
 */
export async function insertCodes(tenantId: string, records: CodeRecord[]): Promise<number[]> {
  const indexed = records.map((record, i) => ({ record, i }));
  indexed.sort((a, b) => (a.record.createdAt === b.record.createdAt ? (a.record.code < b.record.code ? -1 : 1) : a.record.createdAt < b.record.createdAt ? -1 : 1));
  const collided: number[] = [];
  for (const courseId of new Set(records.map((r) => r.courseId))) {
    const mine = indexed.filter((x) => x.record.courseId === courseId);
    for (let from = 0; from < mine.length; from += insertChunk) {
      const part = mine.slice(from, from + insertChunk);
      const failed = await insertListed(tenantId, courseId, part.map((x) => x.record));
      collided.push(...failed.map((j) => part[j]!.i));
    }
  }
  return collided.sort((a, b) => a - b);
}

/**
 * Up to 32 codes of one course, listed at once in one transaction with their blocks, the
 * per-status counts (counts.ts) and the course's count (`knownCount`, when just read, saves reading it): all or nothing. Answers the
 * indexes of codes that already exist (then nothing is written).
 */
export async function insertListed(tenantId: string, courseId: string, records: CodeRecord[], knownCount?: number): Promise<number[]> {
  for (let known = knownCount; ; known = undefined) {
    const count = known ?? (await getCourseListing(tenantId, courseId)).count;
    const items = listedItems(tenantId, courseId, records, count);
    const counts = delta(records.map((to) => ({ to })));
    const failed = await transact([
      ...items.codes.map((Item) => ({ Put: { TableName: table(), Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
      moveCount(tenantId, courseId, count, count + records.length),
      ...items.blocks.map((Item) => ({ Put: { TableName: table(), Item } })),
      ...counterItem(tenantId, courseId, counts),
      ...expiryItems(tenantId, courseId, counts),
    ]);
    const codes = failed.filter((i) => i < records.length);
    if (codes.length > 0) return codes;
    if (failed.length === 0) return [];
    // Only the count moved (another insert or commit landed): read it again.
  }
}
