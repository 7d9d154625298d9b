/**
 * The catalogue's mapping on its own (pure: a stream record in, events out): the cases the
 * write-path test (test/functions/webhooks/catalogue.test.ts) cannot make on demand (a code
 * expiring, the hourly job's change) and what the event id is made of.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, type ChangeRecord } from '../../../lib/events/catalogue';

const code = (from: string, to: string, sequenceNumber = '100', extra: Record<string, unknown> = {}): ChangeRecord => ({
  surface: 'enrollment',
  eventName: 'MODIFY',
  keys: { pk: 'T#t1#CODE#ABCD2345', sk: 'CODE' },
  oldImage: { pk: 'T#t1#CODE#ABCD2345', sk: 'CODE', code: 'ABCD2345', courseId: 'course-v1:X+Y+1', status: from, expiresAt: '2026-01-01T00:00:00.000Z' },
  newImage: { pk: 'T#t1#CODE#ABCD2345', sk: 'CODE', code: 'ABCD2345', courseId: 'course-v1:X+Y+1', status: to, expiresAt: '2026-01-01T00:00:00.000Z', ...extra },
  sequenceNumber,
  approximateTime: '2026-01-02T00:00:00.000Z',
});

describe('event catalogue', () => {
  it('a code the expiry job expires is code.expired, for its tenant, with the API identifiers', () => {
    const [event, ...more] = eventsOf(code('active', 'expired'));
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'code.expired', tenant: 't1', source: '/allot/enrollment', subject: 'courses/course-v1:X+Y+1/codes/ABCD2345',
      data: { code: 'ABCD2345', course_id: 'course-v1:X+Y+1', status: 'expired', previous_status: 'active', expires_at: '2026-01-01T00:00:00.000Z' },
    });
  });

  it('the id is the change: the same record read again gives the same id, another change of the same code another', () => {
    const first = eventsOf(code('active', 'redeemed', '100', { email: 'a@example.com' }))[0]!;
    const again = eventsOf({ ...code('active', 'redeemed', '100', { email: 'a@example.com' }), approximateTime: '2030-01-01T00:00:00.000Z' })[0]!;
    expect(again.id).toBe(first.id);
    const redeemedAgain = eventsOf(code('active', 'redeemed', '300', { email: 'a@example.com' }))[0]!;
    expect(redeemedAgain.id).not.toBe(first.id);
  });

  it('writes no client sees give no event: a code unchanged in status, a counter, an unknown key, another table layout', () => {
    expect(eventsOf(code('active', 'active'))).toEqual([]);
    expect(eventsOf({ ...code('active', 'redeemed'), keys: { pk: 'T#t1#COURSE#c', sk: 'COUNTER' } })).toEqual([]);
    expect(eventsOf({ ...code('active', 'redeemed'), keys: { pk: 'CRED#units#abc', sk: 'CRED' } })).toEqual([]);
    expect(eventsOf({ ...code('active', 'redeemed'), eventName: 'REMOVE' })).toEqual([]);
  });
});
