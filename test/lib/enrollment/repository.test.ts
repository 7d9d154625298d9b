/** Repository details the endpoint tests cannot reach: key layout and conflict retries. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../../lib/db/client';
import { isUnavailable } from '../../../lib/db/errors';
import { codeItem, courseItem } from '../../../lib/enrollment/items';
import { getCode, getEnrolledCount, insertCodes, putCourse } from '../../../lib/enrollment/repository';
import { redeemCode } from '../../../lib/enrollment/repository-redeem';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('items', () => {
  it('a code is keyed by tenant and exact string, and indexed under its course at its listing position once changed', () => {
    const record = { code: 'Ab3', courseId: 'course-v1:A+B+C', status: 'active', createdAt: '2025-01-01T00:00:00.000Z' } as const;
    const fresh = codeItem('t1', record, { batch: 'b1', idx: 2, seq: 7 });
    expect(fresh).toMatchObject({ pk: 'T#t1#CODE#Ab3', sk: 'CODE', batch: 'b1', idx: 2 });
    expect(fresh).not.toHaveProperty('gsi1pk'); // an unchanged code is listed by its block
    expect(codeItem('t1', { ...record, status: 'canceled' }, { batch: 'b1', idx: 2, seq: 7 })).toMatchObject({
      gsi1pk: 'T#t1#LIST#course-v1:A+B+C',
      gsi1sk: '000000000007',
    });
  });

  it('a course is keyed by tenant and id, its window normalised to UTC instants', () => {
    const item = courseItem('t1', { courseId: 'c', enrollmentStart: '2020-01-01', enrollmentEnd: '2020-12-31T23:59:59+01:00' });
    expect(item).toEqual({
      pk: 'T#t1#COURSE#c',
      sk: 'COURSE',
      courseId: 'c',
      enrollmentStart: '2020-01-01T00:00:00.000Z',
      enrollmentEnd: '2020-12-31T22:59:59.000Z',
    });
  });
});

describe('transaction conflicts', () => {
  // The SDK's own exception class, as the client raises it.
  const conflict = () =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });

  it('are retried, and then the conditions decide', async () => {
    const tenantId = `repo-${Date.now()}`;
    await putCourse(tenantId, { courseId: 'c', maxEnrollments: 1 });
    expect(await insertCodes(tenantId, [{ code: 'CNFLCT01', courseId: 'c', status: 'active', createdAt: new Date().toISOString() }])).toEqual([]);
    const client = db();
    const send = client.send.bind(client);
    const spy = vi.spyOn(client, 'send');
    spy.mockImplementationOnce(() => Promise.reject(conflict())).mockImplementation(send as never);

    const failure = await redeemCode(tenantId, { code: 'CNFLCT01', courseId: 'c', email: 'x@example.com', now: new Date().toISOString(), maxEnrollments: 1, pos: 1 });
    expect(failure).toBeUndefined();
    expect(spy).toHaveBeenCalledTimes(2);
    expect((await getCode(tenantId, 'CNFLCT01'))?.status).toBe('redeemed');
    expect(await getEnrolledCount(tenantId, 'c')).toBe(1);
  });

  it('that never end become the error the foundation answers with 503', async () => {
    vi.spyOn(db(), 'send').mockImplementation(() => Promise.reject(conflict()));
    const attempt = redeemCode('nobody', { code: 'X', courseId: 'c', email: 'x@example.com', now: new Date().toISOString(), pos: 1 });
    const err = await attempt.catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TransactionCanceledException' });
    expect(isUnavailable(err)).toBe(true);
  });
});
