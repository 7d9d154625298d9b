/**
 * Deadlines that hold when calls are slow (issue 21): the simulation's scheduler and virtual
 * clock (support/runtime.ts), with every DynamoDB call of the run answering `callMs` after it
 * was sent, a hundred to a thousand times DynamoDB's usual ~4 ms (the sim's other runs mostly use
 * 5 ms). A generate request for thousands of codes with an Idempotency-Key, retried by its
 * client after each 503 (as the sim's clients do: Retry-After, the same key), beside another
 * actor: each attempt answers before API Gateway's 29 s (D1, the clock being virtual: no timed
 * test), a 503 always with Retry-After (D2), each attempt resumes the batch the previous one
 * handed back (lib/enrollment/generate-batch.ts), and the retries converge to one 200 with
 * every code, each stored once, listed once and counted once (the enrollment invariants, I9).
 *
 * `npm test` runs SIM_SLOW_RUNS (default 2) schedules; `npm run sim -- --slow [--runs N]` more.
 * A run depends on its seed only, never on how fast DynamoDB Local is (middy's early timeout is on
 * the virtual clock: support/runtime.ts; SIM_REAL_DELAY_MS=500 slows every call for real and
 * changes nothing of a run but how long it takes).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as retry from '../../lib/db/retry';
import { loadContainers, type Container } from './support/containers';
import { checkEnrollment, enrollmentWorld, type EnrollmentWorld } from './support/enrollment';
import { virtualSleep } from './support/runtime';
import { answerWithinMs, runOnce, type Op, type Plan, type Surface } from './support/sim';
import { emptyTables, scanRaw, useSimTables } from './support/tables';
import { unmarshall } from '@aws-sdk/util-dynamodb';

let containers: Container[];

beforeAll(async () => {
  process.env.DYNAMODB_MAX_ATTEMPTS = '1';
  await useSimTables();
  containers = await loadContainers(2);
  retry.timers.sleep = virtualSleep;
  vi.useFakeTimers({ toFake: ['Date'] });
}, 300_000);

afterAll(() => {
  vi.useRealTimers();
});

const surface: Surface<EnrollmentWorld> = { name: 'enrollment (slow calls)', world: enrollmentWorld, ops: {}, check: checkEnrollment };

const generate = (n: number) => (w: EnrollmentWorld): Op => ({
  kind: 'http', fn: 'generateEnrollmentCodes', label: `generate ${n}`, retries: 12, replay: true, key: 'slow-k1', deadlineAware: true, meta: { n },
  spec: {
    method: 'POST', route: '/api/enrollment/v1/generate-codes', path: '/api/enrollment/v1/generate-codes',
    headers: { authorization: `Bearer ${w.bearerToken}` }, body: { course_id: w.courseId, total_registration_codes: n } as never,
  },
});

const companions: Record<string, (w: EnrollmentWorld) => Op> = {
  'expiry job': () => ({ kind: 'job', fn: 'expireEnrollmentCodes', label: 'expiry job', deadlineAware: true }),
  enroll: (w) => ({
    kind: 'http', fn: 'enrollUserWithCode', label: 'enroll', retries: 2, replay: false,
    spec: { method: 'POST', route: '/api/enrollment/v1/enroll-user-with-code', path: '/api/enrollment/v1/enroll-user-with-code', headers: { authorization: `Bearer ${w.bearerToken}` }, body: { email: 'a@example.com', enrollment_code: w.codes[0] } as never },
  }),
};

describe('sim: slow calls', () => {
  it('generate with thousands of codes and every call 1-2 s: each attempt answers 503 + Retry-After before 29 s, the retries under its key converge to every code, once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.record({ n: process.env.SIM_SLOW_N ? fc.constant(Number(process.env.SIM_SLOW_N)) : fc.constant(1_500), callMs: fc.constantFrom(1_000, 2_000), companion: fc.constantFrom(...Object.keys(companions)), delay: fc.nat(30), randomSeed: fc.integer() }),
        async (s, { n, callMs, companion, delay, randomSeed }) => {
          await emptyTables();
          const w = await surface.world(0);
          const plan: Plan<EnrollmentWorld> = { variant: 0, delays: [0, delay], ops: [generate(n), companions[companion]!], faults: [[], []], jumps: [], callMs, randomSeed };
          const result = await runOnce(s, surface, w, plan, containers);
          expect(result.violations, `${JSON.stringify(result.outcomes.map((o) => o.answers.map((a) => `${a.status} ${a.tookMs}`)))}\n${result.trace.join('\n')}`).toEqual([]);
          const answers = result.outcomes[0]!.answers;
          for (const a of answers) expect([200, 503]).toContain(a.status);
          for (const a of answers) expect(a.tookMs).toBeLessThan(answerWithinMs);
          const last = answers.filter((a) => a.status === 200);
          expect(last.length, JSON.stringify(answers.map((a) => `${a.status} ${a.tookMs}`))).toBe(2); // the answer and its byte-identical replay (R1 compares them)
          const codes = (last[0]!.json as { codes: string[] }).codes;
          expect(new Set(codes).size).toBe(n);
          // Every code item stored for the course is one the world made or this answer holds.
          const stored = (await scanRaw('enrollment')).map((i) => unmarshall(i as never)).filter((i) => String(i.pk).includes('#CODE#'));
          const answered = new Set([...codes, ...w.codes]);
          expect(stored.filter((i) => !answered.has(String(i.code)))).toEqual([]);
          expect(stored.length).toBe(n + w.codes.length);
          // Slow enough that one attempt cannot do it all: the later attempts resumed the batch.
          if (process.env.SIM_SLOW_LOG) console.info(JSON.stringify({ n, callMs, companion, answers: answers.map((a) => `${a.status} ${a.tookMs}`) }));
          if (callMs >= 2_000 && n >= 1_500) expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: Number(process.env.SIM_SLOW_RUNS ?? 2), ...(process.env.SIM_SEED ? { seed: Number(process.env.SIM_SEED) } : {}), ...(process.env.SIM_PATH ? { path: process.env.SIM_PATH } : {}) },
    );
  }, 1_200_000);
});
