/** What every job returns and logs (one JSON line) at the end of a run. */
export interface JobSummary {
  job: string;
  /** False when the run stopped at its time limit: the next run carries on from there. */
  complete: boolean;
  /** Items examined. */
  scanned: number;
  /** Items written. */
  changed: number;
  /** Inconsistencies found (repaired ones included). */
  drift: number;
  /** Items changing under the job (requests running on them): looked at again next run. */
  skipped: number;
  durationMs: number;
}
