/**
 * The claim primitive (lib/db/claim.ts) under every interleaving fast-check's scheduler picks:
 * three owners run random sequences of take / renew / release / complete against one item in
 * DynamoDB Local while a clock (passed to every step, never read from the system) moves on so
 * that leases lapse. Each step waits for the scheduler before it is sent, so the scheduler
 * decides the order in which the calls reach the table. From the history of answers:
 *   - one owner at a time: take number e+1 happened only after holder e released, or once every
 *     lease holder e was given (its take and renewals) had lapsed at the taker's clock;
 *   - only the owner acts: every renew, release or complete that succeeded acted on a take of
 *     the same owner; at most one release or complete per take; after a complete, no take.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { complete, release, renew, take, type ClaimRef } from '../../../lib/db/claim';
import { tableName } from '../../../lib/db/tables';

type Step = 'take' | 'renew' | 'release' | 'complete';
interface Event {
  owner: string;
  step: Step;
  now: number;
  until: number;
  /** The take's number the step acted on (a take: its own); undefined when refused. */
  epoch?: number;
}

const lease = 3;
const owners = ['A', 'B', 'C'];

function check(history: Event[]): void {
  const ok = history.filter((e) => e.epoch !== undefined);
  const takes = new Map(ok.filter((e) => e.step === 'take').map((e) => [e.epoch!, e]));
  expect(takes.size).toBe(ok.filter((e) => e.step === 'take').length); // every take has its own number
  for (const e of ok) {
    if (e.step === 'take') continue;
    // Only the owner acts: the take this step acted on is its own.
    expect(takes.get(e.epoch!)?.owner, JSON.stringify(e)).toBe(e.owner);
  }
  const ends = (epoch: number) => ok.filter((e) => e.epoch === epoch && (e.step === 'release' || e.step === 'complete'));
  for (const [epoch, t] of takes) {
    expect(ends(epoch).length, `take ${epoch} ended more than once`).toBeLessThanOrEqual(1);
    const previous = takes.get(epoch - 1);
    if (!previous) continue;
    const [end] = ends(epoch - 1);
    expect(end?.step, 'a completed claim is never taken again').not.toBe('complete');
    if (end?.step === 'release') continue;
    // One owner at a time: every lease the previous holder was given had lapsed at this take's clock.
    const leases = ok.filter((e) => e.epoch === epoch - 1 && (e.step === 'take' || e.step === 'renew')).map((e) => e.until);
    expect(Math.max(...leases), `take ${epoch} at ${t.now} while take ${epoch - 1} still held`).toBeLessThan(t.now);
  }
}

describe('the claim primitive', () => {
  it('under every interleaving of take, renew, release and complete with lapsing leases: one owner at a time, only the owner acts', async () => {
    const stepArb = fc.constantFrom<Step>('take', 'take', 'renew', 'release', 'complete');
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.tuple(...owners.map(() => fc.array(stepArb, { minLength: 1, maxLength: 5 }))),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 }),
        async (s, plans, ticks) => {
          const ref: ClaimRef = { table: tableName('idempotency'), key: { pk: `T#claim-test#KEY#${randomUUID()}`, sk: 'REQUEST' } };
          let now = 0;
          const history: Event[] = [];
          const actor = async (owner: string, steps: Step[]) => {
            for (const step of steps) {
              await s.schedule(Promise.resolve(), `${owner} ${step}`);
              const at = now;
              const until = at + lease;
              const event: Event = { owner, step, now: at, until };
              if (step === 'take') {
                const r = await take(ref, { owner, now: at, until });
                if (r.taken) event.epoch = r.epoch;
              } else {
                const r = await (step === 'renew' ? renew(ref, owner, until) : step === 'release' ? release(ref, owner) : complete(ref, owner));
                if (r) event.epoch = r.epoch;
              }
              history.push(event);
            }
          };
          const clock = async () => {
            for (const d of ticks) {
              await s.schedule(Promise.resolve(), `clock +${d}`);
              now += d;
            }
          };
          await s.waitFor(Promise.all([...owners.map((o, i) => actor(o, plans[i]!)), clock()]));
          check(history);
        },
      ),
      { numRuns: 40 },
    );
  });
});
