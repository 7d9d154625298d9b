/**
 * Condition failures and cancelled transactions as the SDK raises them from the real
 * DynamoDB Local. Contention is MOCKED (DynamoDB Local rarely reports transaction conflicts
 * and never throttles): those cases build the SDK's own exception with the reasons AWS sends.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../lib/db/client';
import {
  cancellation,
  conditionFailedAt,
  isConditionFailed,
  isContended,
  TransactionCanceledException,
  TransactionConflictException,
} from '../../../lib/db/conditions';
import { isUnavailable } from '../../../lib/db/errors';
import { tableName } from '../../../lib/db/tables';

const table = () => tableName('units');
const pk = `toolkit-conditions#${randomUUID()}`;
const absent = 'attribute_not_exists(pk)';

beforeAll(async () => {
  await db().send(new PutCommand({ TableName: table(), Item: { pk, sk: 'taken' } }));
});

async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the write to fail');
}

const put = (sk: string) => ({ Put: { TableName: table(), Item: { pk, sk }, ConditionExpression: absent } });
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('isConditionFailed', () => {
  it('recognises a single write whose condition was false', async () => {
    const err = await failure(() => db().send(new PutCommand({ TableName: table(), Item: { pk, sk: 'taken' }, ConditionExpression: absent })));
    expect(isConditionFailed(err)).toBe(true);
    expect(conditionFailedAt(err)).toEqual([]);
  });

  it('is false for other errors', () => {
    expect(isConditionFailed(new Error('ConditionalCheckFailedException'))).toBe(false);
    expect(isConditionFailed(cancelled(['ConditionalCheckFailed']))).toBe(false);
  });
});

describe('cancellation', () => {
  it('names the items of a transaction whose condition failed, in request order', async () => {
    const err = await failure(() =>
      db().send(new TransactWriteCommand({ TransactItems: [put(`new-${randomUUID()}`), put('taken'), put(`new-${randomUUID()}`)] })),
    );
    expect(err).toBeInstanceOf(TransactionCanceledException);
    expect(cancellation(err)).toMatchObject({ codes: ['None', 'ConditionalCheckFailed', 'None'], conditionFailedAt: [1], contended: false });
    expect(conditionFailedAt(err)).toEqual([1]);
    expect(isContended(err)).toBe(false);
    expect(isUnavailable(err)).toBe(false);
  });

  it('is undefined for anything but a cancelled transaction', () => {
    expect(cancellation(new Error('TransactionCanceledException'))).toBeUndefined();
    expect(conditionFailedAt(undefined)).toEqual([]);
  });

  it('reports contention (conflict, throttling) so the caller retries instead of trusting the conditions', () => {
    for (const code of ['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']) {
      const err = cancelled(['ConditionalCheckFailed', code]);
      expect(cancellation(err)).toMatchObject({ conditionFailedAt: [0], contended: true });
      expect(isContended(err)).toBe(true);
      expect(isUnavailable(err)).toBe(true);
    }
    expect(isContended(new TransactionConflictException({ message: 'conflict', $metadata: {} }))).toBe(true);
  });
});
