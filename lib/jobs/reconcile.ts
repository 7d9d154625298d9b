/**
 * Daily: recounts what the APIs keep as running totals and repairs drift, for every tenant.
 *   phase `units`: every account item (a Scan of the units table filtered to accounts):
 *     abandoned operations undone, units_used and per-course counts recounted
 *     (lib/units/reconcile.ts);
 *   phase `enrollment`: every course item (a Scan of the enrollment table filtered to courses):
 *     the enrollment counter and the codes per status recounted (lib/enrollment/reconcile.ts).
 * A pass reads the two tables once, so it can outlast one Lambda run on a large table: the run
 * stops when its budget is spent and saves where it was (checkpoint.ts, also after every page
 * and before a failure), and the next run carries on from there. Every check is idempotent, so
 * an item checked twice (a run that died between two checkpoints) is harmless.
 */
import { isUnavailable } from '../db/errors';
import { reconcileCourse } from '../enrollment/reconcile';
import { scanCourses } from '../enrollment/repository-reconcile';
import { log } from '../log';
import { reconcileAccount } from '../units/reconcile';
import { scanAccounts } from '../units/repository-reconcile';
import type { Budget } from '../deadline';
import { clearCheckpoint, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint';
import type { JobSummary } from './summary';
import type { Cursor } from '../db/types';

type Phase = 'units' | 'enrollment';

export interface Repair {
  tenantId: string;
  /** `units_used`, `assigned:<code>`, `recovered`, `enrolled` or `codes:<count>` (n_redeemed, expiry <instant>, ...) */
  what: string;
  courseId?: string;
  /** The operation undone (`recovered`). */
  opId?: string;
  recorded: number;
  counted: number;
}

export interface ReconcileSummary extends JobSummary {
  /** This run continued a pass begun by an earlier run. */
  resumed: boolean;
  passStartedAt: string;
  accounts: number;
  courses: number;
  /** Items whose check threw (logged with the error); the pass went on. */
  failed: number;
  /** What drifted, the first 100 (the counts above are complete). */
  repairs: Repair[];
}

export interface ReconcileOptions {
  budget: Budget;
  /** Which checkpoint item: one per job; tests use their own. */
  checkpointId?: string;
  recoverAfterMs?: number;
}

const maxRepairsListed = 100;

interface Item {
  key: Cursor;
  check: (summary: ReconcileSummary) => Promise<void>;
}

const order: Phase[] = ['units', 'enrollment'];

async function readPage(phase: Phase, start: Cursor | undefined, options: ReconcileOptions): Promise<{ items: Item[]; next?: Cursor }> {
  if (phase === 'units') {
    const page = await scanAccounts(start);
    const check = (tenantId: string) => (s: ReconcileSummary) => checkAccount(tenantId, s, options.recoverAfterMs);
    return { next: page.next, items: page.accounts.map((a) => ({ key: a.key, check: check(a.tenantId) })) };
  }
  const page = await scanCourses(start);
  return {
    next: page.next,
    items: page.courses.map((c) => ({ key: c.key, check: (s) => checkCourse(c.tenantId, c.courseId, s) })),
  };
}

function note(summary: ReconcileSummary, repair: Repair): void {
  summary.drift++;
  if (summary.repairs.length < maxRepairsListed) summary.repairs.push(repair);
}

async function checkAccount(tenantId: string, summary: ReconcileSummary, recoverAfterMs?: number): Promise<void> {
  summary.accounts++;
  const check = await reconcileAccount(tenantId, recoverAfterMs);
  for (const opId of check.recovered) note(summary, { tenantId, what: 'recovered', opId, recorded: 1, counted: 0 });
  summary.changed += check.recovered.length;
  for (const d of check.drift) note(summary, { tenantId, what: d.what, recorded: d.recorded, counted: d.counted });
  if (check.status === 'repaired') summary.changed++;
  if (check.status === 'busy') summary.skipped++;
}

async function checkCourse(tenantId: string, courseId: string, summary: ReconcileSummary): Promise<void> {
  summary.courses++;
  const check = await reconcileCourse(tenantId, courseId);
  if (check.status === 'busy') summary.skipped++;
  if (check.status === 'repaired') {
    summary.changed++;
    if (check.recorded !== check.counted) note(summary, { tenantId, what: 'enrolled', courseId, recorded: check.recorded, counted: check.counted });
    for (const c of check.codes) note(summary, { tenantId, what: `codes:${c.what}`, courseId, recorded: c.recorded, counted: c.counted });
  }
}

export async function reconcile(options: ReconcileOptions): Promise<ReconcileSummary> {
  const started = Date.now();
  const id = options.checkpointId ?? 'reconcile';
  const found = await loadCheckpoint<Phase>(id);
  const saved = found && order.includes(found.phase) ? found : undefined; // a phase this version knows
  const position: Checkpoint<Phase> = saved
    ? { ...saved, runs: saved.runs + 1 }
    : { phase: 'units', passStartedAt: new Date(started).toISOString(), runs: 0 };
  const summary: ReconcileSummary = {
    job: 'reconcile', complete: false, resumed: saved !== undefined, passStartedAt: position.passStartedAt,
    scanned: 0, changed: 0, drift: 0, skipped: 0, failed: 0, accounts: 0, courses: 0, repairs: [], durationMs: 0,
  };
  const finish = () => ({ ...summary, durationMs: Date.now() - started });

  for (const phase of order.slice(order.indexOf(position.phase))) {
    position.phase = phase;
    do {
      if (options.budget.exhausted()) {
        await saveCheckpoint(id, position);
        return finish();
      }
      const page = await readPage(phase, position.after, options);
      for (const item of page.items) {
        if (options.budget.exhausted()) {
          await saveCheckpoint(id, position);
          return finish();
        }
        summary.scanned++;
        await checkItem(id, position, item, summary);
        position.after = item.key;
      }
      position.after = page.next;
      if (position.after) await saveCheckpoint(id, position);
    } while (position.after);
  }
  await clearCheckpoint(id);
  summary.complete = true;
  return finish();
}

/** A failing item is logged and passed over; an unavailable database ends the run (saved first). */
async function checkItem(id: string, position: Checkpoint<Phase>, item: Item, summary: ReconcileSummary): Promise<void> {
  try {
    await item.check(summary);
  } catch (err) {
    if (isUnavailable(err)) {
      await saveCheckpoint(id, position).catch(() => undefined);
      throw err;
    }
    summary.failed++;
    const error = err as Error;
    log({ level: 'error', msg: 'reconcile: item failed', job: 'reconcile', key: item.key, error: { name: error.name, message: error.message, stack: error.stack } });
  }
}
