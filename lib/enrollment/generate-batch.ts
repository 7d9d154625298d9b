/**
 * Generating more than a few codes as one batch (repository-batches.ts; docs/ENROLLMENT.md,
 * "Generation"): the batch taken (created pending with every code it will hand out), the codes
 * written 25 at a time (one request each) with 32 in flight, then one transaction commits it: only then
 * do the codes exist for enroll, status and the list. A code that already exists in the tenant
 * is refused by its conditional write; only that code is replaced (recorded in the batch first)
 * and written again.
 *
 * Time (lib/deadline.ts `pace`): no call starts (the take, each code request, the commit)
 * unless 4 s are left and three of the slowest calls so far (plus 1 s): the one it starts, the
 * hand-back (or clean-up) if it then gives up, and the Idempotency-Key's settling after the
 * answer. So the answer (503 + Retry-After when it gave up) is sent before the deadline however
 * slow the calls are.
 *
 * Retries. With an Idempotency-Key the batch's id comes from the key (`requestKey`, one per key
 * and request), so an attempt that gives up hands its batch back with the chunks it finished
 * (yieldBatch) and the retry under the same key takes it over and writes only the rest: each
 * attempt gets further, and repeated retries converge to the whole answer; a retry that finds
 * the batch committed (an answer lost, or a frozen attempt that finished) answers its codes.
 * So a keyed attempt's failure never needs the key kept: the batch is the request's record.
 * Without a key the attempt deletes what it wrote as far as its time allows; whatever stops a
 * request (a kill included), the hourly job discards a batch whose claim lapsed.
 */
import { randomUUID } from 'node:crypto';
import { chunk, forEachLimit } from '../db/concurrency';
import type { Pace } from '../deadline';
import { notApplied, ServiceUnavailableError } from '../errors';
import { keyLifetimeSeconds } from '../idempotency/repository';
import { log } from '../log';
import { generateCodes } from './code-generator';
import { discardBatch, type DiscardOutcome } from './discard';
import type { CodeRecord } from './model';
import { commitBatch, committedCodes, insertBatchCodes, replaceBatchCode, statementsPerRequest, takeBatch, yieldBatch } from './repository-batches';

// A chunk is one request (25 codes, statementsPerRequest), 32 in flight: the unit of progress a
// batch records when an attempt hands it back (a chunk is done when all its codes are written).
const chunkSize = statementsPerRequest;
const inFlight = 32;
// Each round replaces only colliding codes; at 50^8 possible codes, needing more than a couple
// of rounds means something other than chance is wrong.
const maxRounds = 10;
const reserveMs = 4_000;
/** Below this (or two calls' time) a keyed attempt stops waiting for the calls in flight. */
const bailReserveMs = 2_000;
/** Calls kept in hand: the one started, the hand-back or clean-up, the key's settling. */
const answerCalls = 3;
const cleanupReserveMs = 1_000;
/** A keyed request's batch ids tried in turn past ones abandoned or older than the key's lifetime. */
const generations = 20;
/** A pending batch's lease: longer than any request can run (29 s), so only a dead one's lapses. */
export const staleAfterMs = 15 * 60_000;

export interface BatchRequest {
  tenantId: string;
  courseId: string;
  count: number;
  expiresAt?: string;
  now: Date;
  /** The request's time, paced by its calls so far (lib/deadline.ts). */
  pace: Pace;
  /** The course's count of listed codes as read (the commit's expected value). */
  seen: number;
  /** One id per Idempotency-Key and request (lib/http/idempotency.ts); none without a key. */
  requestKey?: string;
}

export async function generateBatch(req: BatchRequest): Promise<string[]> {
  const p = req.pace;
  if (!p.enough(reserveMs, answerCalls)) throw notApplied(new ServiceUnavailableError());
  const attempt = randomUUID();
  const taken = new Set<string>();
  const codes = generateCodes(req.count, taken); // answered in this order
  // Listed (and written, idx = position in the batch) in code order, as codes created together always were.
  const origin = codes.map((_, i) => i).sort((a, b) => (codes[a]! < codes[b]! ? -1 : 1));
  const listed = origin.map((i) => codes[i]!);
  const createdAt = req.now.toISOString();
  const staleAt = new Date(req.now.getTime() + staleAfterMs).toISOString();
  for (let generation = 0; generation < generations; generation++) {
    const id = req.requestKey ? `${req.requestKey}.${generation}` : randomUUID();
    const got = await p.time(() => takeBatch(req.tenantId, { id, courseId: req.courseId, createdAt, codes: listed, staleAt }, attempt, new Date().toISOString()));
    if (got.kind === 'held') throw notApplied(new ServiceUnavailableError());
    if (got.kind === 'committed' && Date.parse(got.createdAt) > req.now.getTime() - keyLifetimeSeconds * 1000) {
      return committedCodes(req.tenantId, req.courseId, got.start, got.count);
    }
    if (got.kind !== 'taken') continue; // abandoned, or a key's earlier life: the next id
    if (!got.resumed) return write(req, p, { id, attempt, createdAt, listed, taken, answer: codes, origin });
    // Resumed: the batch's own codes, answered in listing order (the first attempt answered none).
    const own = [...got.resumed.codes];
    for (const code of own) taken.add(code);
    return write(req, p, { id, attempt, createdAt: got.resumed.createdAt, listed: own, taken, answer: own, done: got.resumed.done });
  }
  throw new ServiceUnavailableError();
}

interface Batch {
  id: string;
  attempt: string;
  createdAt: string;
  /** The batch's codes in listing order (replacements land here). */
  listed: string[];
  taken: Set<string>;
  /** The answer; `origin[k]` is where `listed[k]` sits in it (none: the same order). */
  answer: string[];
  origin?: number[];
  /** Chunks an earlier attempt finished. */
  done?: number[];
}

async function write(req: BatchRequest, p: Pace, b: Batch): Promise<string[]> {
  const { tenantId, courseId, expiresAt } = req;
  const record = (code: string): CodeRecord => ({ code, courseId, status: 'active', createdAt: b.createdAt, ...(expiresAt ? { expiresAt } : {}) });
  const done = new Set(b.done ?? []);
  // Once the time is short no call starts; the chunks in flight are awaited (what they write is
  // recorded as done) while two calls' time is left, then, with a key, the attempt answers
  // without them (their codes are the batch's own: the next attempt meets them as such).
  // Without a key it waits for them all, since it deletes what it wrote.
  let stopped = false;
  let bail: () => void = () => undefined;
  const bailed = new Promise<never>((_, reject) => {
    bail = () => reject(new ServiceUnavailableError());
  });
  bailed.catch(() => undefined);
  const stop = () => {
    stopped ||= !p.enough(reserveMs, answerCalls);
    if (stopped && !p.enough(bailReserveMs, answerCalls - 1)) bail();
    return stopped;
  };
  try {
    const chunks = chunk(b.listed.map((_, k) => k), chunkSize).map((positions, i) => ({ positions, i })).filter(({ i }) => !done.has(i));
    const writing = forEachLimit(chunks, inFlight, async ({ positions, i }) => {
      if (stop()) throw new ServiceUnavailableError();
      let part = positions;
      for (let round = 1; part.length > 0; round++) {
        const collided = await p.time(() => insertBatchCodes(tenantId, b.id, part.map((k) => ({ record: record(b.listed[k]!), idx: k })), stop));
        if (collided.length > 0 && round >= maxRounds) throw new Error(`No free codes after ${round} rounds`);
        part = collided.map((j) => part[j]!);
        for (const k of part) {
          if (stop()) throw new ServiceUnavailableError();
          const fresh = generateCodes(1, b.taken)[0]!;
          await p.time(() => replaceBatchCode(tenantId, b.id, b.attempt, k, fresh));
          b.listed[k] = b.answer[b.origin ? b.origin[k]! : k] = fresh;
        }
      }
      done.add(i);
      stop();
    });
    if (req.requestKey) writing.catch(() => undefined);
    await (req.requestKey ? Promise.race([writing, bailed]) : writing);
    if (stop()) throw new ServiceUnavailableError();
    const batch = { id: b.id, courseId, createdAt: b.createdAt, codes: b.listed, ...(expiresAt ? { expiresAt } : {}) };
    const outcome = await p.time(() => commitBatch(tenantId, batch, b.attempt, b.done ? undefined : req.seen, stop));
    if (outcome === 'committed') return b.answer;
    throw new ServiceUnavailableError();
  } catch (err) {
    if (req.requestKey) {
      // Handed back with what is done: the retry under the same key carries on from there.
      await yieldBatch(tenantId, b.id, b.attempt, [...done], new Date().toISOString()).catch((e: unknown) => {
        log({ level: 'error', msg: 'generate could not hand its batch back', tenantId, courseId, batchId: b.id, error: (e as Error).message });
      });
      throw notApplied(err);
    }
    const outcome = await cleanUp(tenantId, b, courseId, () => !p.enough(cleanupReserveMs, 2));
    if (outcome === 'committed') return b.answer; // committed after all (its answer was lost)
    // Abandoned: the batch can never commit, so nothing of it is left to apply.
    throw outcome === 'unknown' || outcome === 'held' ? err : notApplied(err);
  }
}

/** Discards the batch as far as time allows; `committed` when it turns out to have committed (a lost answer). */
async function cleanUp(tenantId: string, b: Batch, courseId: string, stop: () => boolean): Promise<DiscardOutcome | 'unknown'> {
  try {
    return (await discardBatch(tenantId, b.id, { holder: b.attempt }, stop)).outcome;
  } catch (cleanup) {
    // Left pending or abandoned: invisible, and the hourly job discards it.
    log({ level: 'error', msg: 'generate cleanup failed', tenantId, courseId, batchId: b.id, error: (cleanup as Error).message });
    return 'unknown';
  }
}
