/**
 * The transactions that change a listed code: enroll (redeem), cancel/restore of a redeemed
 * code (release) and of an unused one (set status). "Already enrolled" is the ENROLL# item's
 * attribute_not_exists; "course full" is the COUNTER condition `enrolled < :max`; both sit in
 * the same TransactWriteItems as the code's status condition, so they hold under concurrency.
 *
 * Each also moves the course's per-status code counts (counts.ts) in the same transaction, and
 * puts the code into the course's changed-code index (gsi1, keyed by its
 * listing position `seq`), where the list finds its status and holder (keys.ts).
 */
import { counterAdds, counterItem, delta, expiryItems } from './counts';
import { changedCodeIndex, codeKey, counterKey, enrollmentKey } from './keys';
import { enrollmentItem } from './items';
import type { CodeRecord, CodeStatus } from './model';
import { transact } from './repository-transact';
import { enrollmentTable as table } from '../db/tables';

export type RedeemFailure = 'code' | 'enrolled' | 'full';

/** `SET` clauses and values that (re)index a changed code at its listing position, if it has one. */
function indexing(tenantId: string, courseId: string, seq: number | undefined) {
  if (seq === undefined) return { set: '', values: {} };
  const { gsi1pk, gsi1sk } = changedCodeIndex(tenantId, courseId, seq);
  return { set: ', gsi1pk = :lpk, gsi1sk = :lsk', values: { ':lpk': gsi1pk, ':lsk': gsi1sk } };
}

/**
 * The cap condition on COUNTER: its own `cap` (set by every course create/update in the same
 * transaction as the course) when present, so an enroll never decides on a cap it read; a
 * course written before `cap` existed falls back to the max read with the course.
 */
function capCondition(readMax: number | undefined) {
  // max 0 admits nobody, not even with no counter yet
  const fallback = readMax === undefined ? '' : readMax > 0 ? ' AND (attribute_not_exists(enrolled) OR enrolled < :max)' : ' AND enrolled < :max';
  return {
    condition: `attribute_exists(#cap) AND (attribute_not_exists(enrolled) AND #cap > :zero OR enrolled < #cap) OR attribute_not_exists(#cap)${fallback}`,
    values: { ':zero': 0, ...(readMax === undefined ? {} : { ':max': readMax }) },
  };
}

/**
 * code active and unexpired -> redeemed, enrollment created at position `pos`, counter + 1
 * (below the cap), counts moved: all or nothing. The items are in the SPEC's order of checks, so
 * the first failed index is the reason to report.
 */
export async function redeemCode(
  tenantId: string,
  r: { code: string; courseId: string; email: string; now: string; expiresAt?: string; maxEnrollments?: number; seq?: number; pos: number },
): Promise<RedeemFailure | undefined> {
  const index = indexing(tenantId, r.courseId, r.seq);
  const cap = capCondition(r.maxEnrollments);
  const counts = delta([{ from: { status: 'active', expiresAt: r.expiresAt }, to: { status: 'redeemed' } }]);
  const adds = counterAdds(counts);
  const failed = await transact([
    {
      Update: {
        TableName: table(),
        Key: codeKey(tenantId, r.code),
        UpdateExpression: `SET #status = :redeemed, email = :email, redeemedAt = :now${index.set}`,
        ConditionExpression: '#status = :active AND (attribute_not_exists(expiresAt) OR expiresAt >= :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':redeemed': 'redeemed', ':active': 'active', ':email': r.email, ':now': r.now, ...index.values },
      },
    },
    {
      Put: {
        TableName: table(),
        Item: enrollmentItem(tenantId, { courseId: r.courseId, email: r.email, code: r.code, enrolledAt: r.now, pos: r.pos }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: table(),
        Key: counterKey(tenantId, r.courseId),
        UpdateExpression: `ADD enrolled :one, ${adds.clauses.join(', ')}`,
        ConditionExpression: cap.condition,
        ExpressionAttributeNames: { '#cap': 'cap', ...adds.names },
        ExpressionAttributeValues: { ':one': 1, ...cap.values, ...adds.values },
      },
    },
    ...expiryItems(tenantId, r.courseId, counts),
  ]);
  return failed.length === 0 ? undefined : (['code', 'enrolled', 'full'] as const)[failed[0]!];
}

/**
 * A redeemed code -> `to` (active or canceled), its enrollment deleted, counter - 1, counts
 * moved. Answers false when the code is no longer redeemed by `email` (changed since it was read).
 */
export async function releaseCode(
  tenantId: string,
  record: CodeRecord & { email: string },
  to: CodeStatus,
  seq?: number,
): Promise<boolean> {
  const index = indexing(tenantId, record.courseId, seq);
  const counts = delta([{ from: { status: 'redeemed' }, to: { status: to, expiresAt: record.expiresAt } }]);
  const adds = counterAdds(counts);
  const failed = await transact([
    {
      Update: {
        TableName: table(),
        Key: codeKey(tenantId, record.code),
        UpdateExpression: `SET #status = :to${index.set} REMOVE email, redeemedAt`,
        ConditionExpression: '#status = :redeemed AND email = :email',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':redeemed': 'redeemed', ':email': record.email, ...index.values },
      },
    },
    {
      Delete: {
        TableName: table(),
        Key: enrollmentKey(tenantId, record.courseId, record.email),
        ConditionExpression: 'code = :code',
        ExpressionAttributeValues: { ':code': record.code },
      },
    },
    {
      Update: {
        TableName: table(),
        Key: counterKey(tenantId, record.courseId),
        UpdateExpression: `ADD enrolled :minus, ${adds.clauses.join(', ')}`,
        ConditionExpression: 'enrolled > :zero',
        ExpressionAttributeNames: adds.names,
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0, ...adds.values },
      },
    },
    ...expiryItems(tenantId, record.courseId, counts),
  ]);
  if (failed.length === 0) return true;
  // The code guards the other two: while it is redeemed by `email`, that enrollment exists
  // and is counted. Failing only elsewhere means the table was changed outside this module.
  if (failed[0] === 0) return false;
  throw new Error(`Enrollment of code ${record.code} is inconsistent (failed items ${failed.join(', ')})`);
}

/** A code without a user goes from `from` to `to`, counts moved; false when its status is no longer `from`. */
export async function setCodeStatus(
  tenantId: string,
  record: Pick<CodeRecord, 'code' | 'courseId' | 'expiresAt'>,
  from: CodeStatus,
  to: CodeStatus,
  seq?: number,
): Promise<boolean> {
  const index = indexing(tenantId, record.courseId, seq);
  const counts = delta([{ from: { status: from, expiresAt: record.expiresAt }, to: { status: to, expiresAt: record.expiresAt } }]);
  const failed = await transact([
    {
      Update: {
        TableName: table(),
        Key: codeKey(tenantId, record.code),
        UpdateExpression: `SET #status = :to${index.set}`,
        ConditionExpression: '#status = :from AND attribute_not_exists(email)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':from': from, ...index.values },
      },
    },
    ...counterItem(tenantId, record.courseId, counts),
    ...expiryItems(tenantId, record.courseId, counts),
  ]);
  return failed.length === 0;
}
