/**
 * Where an interrupted pass of a job resumes: one item in the tenants table, `JOB#<id>` /
 * `CHECKPOINT`, beside the tenants (it belongs to no tenant). It expires by TTL after a week,
 * so a job that stopped running does not resume from a stale position months later.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { tableName } from '../db/tables';

export interface Checkpoint<P extends string = string> {
  phase: P;
  /** The scan resumes after this key (the last item dealt with). */
  after?: Record<string, unknown>;
  /** When the pass this run continues began. */
  passStartedAt: string;
  /** Runs that have worked on this pass before. */
  runs: number;
}

const keep = 7 * 24 * 3600;
const key = (id: string) => ({ pk: `JOB#${id}`, sk: 'CHECKPOINT' });

export async function loadCheckpoint<P extends string>(id: string): Promise<Checkpoint<P> | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName('tenants'), Key: key(id), ConsistentRead: true }));
  if (!Item || Number(String(Item.ttl)) * 1000 < Date.now()) return undefined;
  return {
    phase: String(Item.phase) as P,
    ...(Item.after ? { after: Item.after as Record<string, unknown> } : {}),
    passStartedAt: String(Item.passStartedAt),
    runs: Number(String(Item.runs)),
  };
}

export async function saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName('tenants'),
      Item: { ...key(id), ...checkpoint, ttl: Math.ceil(Date.now() / 1000) + keep },
    }),
  );
}

export async function clearCheckpoint(id: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName('tenants'), Key: key(id) }));
}
