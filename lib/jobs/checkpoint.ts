/**
 * Where an interrupted pass of a job resumes: one item in the tenants table (lib/tenants),
 * `JOB#<id>` / `CHECKPOINT`, beside the tenants (it belongs to no tenant). It expires by TTL
 * after a week, so a job that stopped running does not resume from a stale position months later.
 */
import { deleteCheckpoint, getCheckpoint, putCheckpoint } from '../tenants/repository';

export interface Checkpoint<P extends string = string> {
  phase: P;
  /** The scan resumes after this key (the last item dealt with). */
  after?: Record<string, unknown>;
  /** When the pass this run continues began. */
  passStartedAt: string;
  /** Runs that have worked on this pass before. */
  runs: number;
}

const keepSeconds = 7 * 24 * 3600;

export async function loadCheckpoint<P extends string>(id: string): Promise<Checkpoint<P> | undefined> {
  const Item = await getCheckpoint(id);
  // TTL deletion is lazy (up to days): an expired checkpoint may still be read.
  if (!Item || Number(String(Item.ttl)) * 1000 < Date.now()) return undefined;
  return {
    phase: String(Item.phase) as P,
    ...(Item.after ? { after: Item.after as Record<string, unknown> } : {}),
    passStartedAt: String(Item.passStartedAt),
    runs: Number(String(Item.runs)),
  };
}

export async function saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void> {
  await putCheckpoint(id, { ...checkpoint }, keepSeconds);
}

export async function clearCheckpoint(id: string): Promise<void> {
  await deleteCheckpoint(id);
}
