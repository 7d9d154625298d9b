/**
 * Counts what DynamoDB reads for a call (not a test file): every command sent through the one
 * DocumentClient, the items each read (ScannedCount of a Query, items returned by a Get or
 * BatchGet) and the partition keys it touched.
 */
import { db } from '../../../lib/db/client';

export interface ReadCall {
  name: string;
  items: number;
  partitions: string[];
}

export async function countingReads<T>(fn: () => Promise<T>): Promise<{ result: T; calls: ReadCall[] }> {
  const client = db();
  const send = client.send.bind(client);
  const calls: ReadCall[] = [];
  client.send = (async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const out = (await send(command as never)) as { ScannedCount?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
    const input = command.input as { ExpressionAttributeValues?: Record<string, unknown>; RequestItems?: Record<string, { Keys: { pk: string }[] }> };
    const batch = Object.values(input.RequestItems ?? {}).flatMap((r) => r.Keys.map((k) => k.pk));
    const items = out.ScannedCount ?? (out.Responses ? Object.values(out.Responses).flat().length : out.Item ? 1 : 0);
    const pk = input.ExpressionAttributeValues?.[':pk'];
    calls.push({ name: command.constructor.name, items, partitions: typeof pk === 'string' ? [pk] : batch });
    return out;
  }) as typeof client.send;
  try {
    return { result: await fn(), calls };
  } finally {
    client.send = send;
  }
}
