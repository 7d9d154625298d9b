/**
 * The publisher: stream records -> catalogue events -> the bus. Deployed, the bus is EventBridge
 * (bus.ts); locally EventBridge cannot run, so the event runner (scripts/event-runner.ts) passes a
 * bus that hands the events straight to the webhooks' fan-out, as the bus's rule would.
 */
import type { AllotEvent } from './envelope';
import { eventsOf, type ChangeRecord } from './catalogue';

export interface Bus {
  /** Puts every event or throws (after its own retries). */
  put(events: AllotEvent[]): Promise<void>;
}

export interface PublishResult {
  records: number;
  events: number;
}

/**
 * Publishes the events of `records`, in stream order. On failure throws with `failedAt`, the
 * sequence number of the first record whose events may not be on the bus: the stream resumes
 * there (ReportBatchItemFailures), so an event goes out again rather than never (same id).
 */
export async function publish(records: ChangeRecord[], bus: Bus): Promise<PublishResult> {
  let published = 0;
  // Records in runs, so one PutEvents carries the events of several records.
  for (let i = 0; i < records.length; ) {
    const run: AllotEvent[] = [];
    const start = i;
    while (i < records.length && run.length < 10) run.push(...eventsOf(records[i++]!));
    if (!run.length) continue;
    try {
      await bus.put(run);
    } catch (err) {
      throw Object.assign(new Error('publishing failed', { cause: err }), { failedAt: records[start]!.sequenceNumber });
    }
    published += run.length;
  }
  return { records: records.length, events: published };
}
