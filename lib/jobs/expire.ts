/**
 * Hourly: active enrollment codes past their expiry become `expired`. The codes due are found
 * with Queries on the sparse index gsi2 (lib/enrollment/keys.ts), one per shard, oldest
 * first: a run reads only codes that are due, never the whole table. Each code leaves the index
 * when it is dealt with, so a run stopped by its time limit needs no checkpoint: the next one
 * starts again from the oldest code still due.
 *
 * Each flip is one transaction with the course's per-status counts (lib/enrollment/counts.ts);
 * the course of the page's codes comes from one BatchGet (gsi2 projects only the status), and
 * an expiry's count item is deleted once the job has emptied it.
 *
 * A code is flipped only once its expiry is `settleMs` old. Nothing visible waits for the job
 * (enroll and the list treat an active code past its expiry as expired at that very instant),
 * so the delay costs nothing and keeps the job's writes away from requests deciding on a code
 * right at its expiry.
 *
 * Second pass: batches of codes that a generate request wrote but never committed (it was
 * killed, or failed and ran out of time cleaning up) are found under `PENDING` in gsi2 once
 * stale, and deleted (lib/enrollment/discard.ts). Their codes never existed for the
 * API; this only frees the storage.
 */
import { expiryShardCount } from '../enrollment/keys';
import type { Budget } from '../deadline';
import { discardBatch } from '../enrollment/discard';
import { courseOfCodes, expireCode, pruneExpiryCount, queryDueCodes, queryStaleBatches, unindexCode, type CodeOwner } from '../enrollment/repository-expire';
import type { JobSummary } from './summary';
import type { Cursor } from '../db/types';

export interface ExpirySummary extends JobSummary {
  /** Active codes set to expired. */
  expired: number;
  /** Due codes that were no longer active (redeemed, canceled): only taken out of the index. */
  unindexed: number;
  /** Uncommitted batches deleted, and the codes they had written. */
  batches: number;
  discarded: number;
}

export interface ExpiryOptions {
  budget: Budget;
  now?: Date;
  settleMs?: number;
}

export const defaultSettleMs = 5 * 60_000;

export async function expireEnrollmentCodes(options: ExpiryOptions): Promise<ExpirySummary> {
  const started = Date.now();
  const before = new Date((options.now ?? new Date()).getTime() - (options.settleMs ?? defaultSettleMs)).toISOString();
  const summary: ExpirySummary = {
    job: 'expireEnrollmentCodes', complete: true, scanned: 0, changed: 0, drift: 0, skipped: 0, expired: 0, unindexed: 0, batches: 0, discarded: 0, durationMs: 0,
  };
  shards: for (let shard = 0; shard < expiryShardCount; shard++) {
    let start: Cursor | undefined;
    do {
      if (options.budget.exhausted()) {
        summary.complete = false;
        break shards;
      }
      const page = await queryDueCodes(shard, before, start);
      const active = page.codes.filter((c) => c.status === 'active');
      const courses = active.length ? await courseOfCodes(active.map((c) => c.key)) : new Map<string, CodeOwner>();
      const touched = new Map<string, { tenantId: string; courseId: string; expiresAt: string }>();
      let outOfTime = false;
      for (const code of page.codes) {
        // Checked per code too: a page is up to 100 transactions, long when calls are slow.
        if (options.budget.exhausted()) {
          outOfTime = true;
          break;
        }
        summary.scanned++;
        const course = courses.get(code.key.pk);
        if (code.status === 'active' && course) {
          summary.drift++;
          if (await expireCode({ ...code, ...course }, before)) summary.expired++;
          else summary.skipped++; // used or canceled since the index was read: next run tidies it
          touched.set(`${course.tenantId}\n${course.courseId}\n${code.expiresAt}`, { ...course, expiresAt: code.expiresAt });
        } else if (code.status === 'active') {
          summary.skipped++; // gone since the index was read
        } else if (await unindexCode(code.key)) {
          summary.unindexed++;
        } else {
          summary.skipped++; // restored to active since: next run expires it
        }
      }
      for (const t of touched.values()) await pruneExpiryCount(t.tenantId, t.courseId, t.expiresAt);
      if (outOfTime) {
        summary.complete = false; // the rest stays indexed: the next run takes it
        break shards;
      }
      start = page.next;
    } while (start);
  }
  if (summary.complete) {
    const stale = await discardStaleBatches(options);
    Object.assign(summary, { complete: stale.complete, batches: stale.batches, discarded: stale.discarded });
  }
  summary.changed = summary.expired + summary.unindexed;
  summary.durationMs = Date.now() - started;
  return summary;
}

/** The second pass; stops (complete: false) when the budget is spent, the rest waits for the next run. */
export async function discardStaleBatches(options: ExpiryOptions): Promise<{ complete: boolean; batches: number; discarded: number }> {
  const now = (options.now ?? new Date()).toISOString();
  const result = { complete: true, batches: 0, discarded: 0 };
  let start: Cursor | undefined;
  do {
    if (options.budget.exhausted()) return { ...result, complete: false };
    const page = await queryStaleBatches(now, start);
    for (const { tenantId, batchId } of page.batches) {
      const { outcome, deleted } = await discardBatch(tenantId, batchId, { job: 'expiry-job', now }, () => options.budget.exhausted());
      result.discarded += deleted;
      if (outcome === 'discarded') result.batches++;
      if (outcome === 'partial') return { ...result, complete: false };
    }
    start = page.next;
  } while (start);
  return result;
}
