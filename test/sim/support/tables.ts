/**
 * The simulation's own tables (stage `sim<pid>`, created from serverless.yml like the test
 * stage's), emptied before every run. Its jobs scan whole tables, so they must see the run's
 * tenant only: never another test file's (a job on the shared tables, with the clock jumped a
 * minute ahead, would recover their operations in flight) and never an earlier run's (the
 * invariants read whole tables).
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { batchWriteAll } from '../../../lib/db/batch';
import { rawDb } from '../../../lib/db/client';
import { tableEnv, tableName, type TableKey } from '../../../lib/db/tables';
import { localClient } from '../../../scripts/dynamodb-local';
import { ensureTables, tableDefinitions } from '../../../scripts/tables';

export const tableKeys: TableKey[] = ['tenants', 'units', 'inventory', 'enrollment', 'idempotency'];

/** Creates the sim tables and points this process (and every container loaded after) at them. */
export async function useSimTables(): Promise<void> {
  const stage = `sim${process.pid}`;
  const client = localClient(process.env.DYNAMODB_ENDPOINT!);
  try {
    // Without streams: nothing in the sim reads them, and DynamoDB Local keeping a stream record
    // of every sim write slowed the late files of a full run to minutes each (stop 21).
    const definitions = tableDefinitions(stage).map((d) => ({ ...d, create: { ...d.create, StreamSpecification: undefined } }));
    await ensureTables(client, stage, definitions);
  } finally {
    client.destroy();
  }
  Object.assign(process.env, tableEnv(stage));
}

export type Row = Record<string, unknown>;

/** Every item of a table, as DynamoDB JSON (a Scan: the table holds one run's data). */
export async function scanRaw(key: TableKey): Promise<Record<string, Record<string, unknown>>[]> {
  const items: Record<string, Record<string, unknown>>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await rawDb().send(new ScanCommand({ TableName: tableName(key), ConsistentRead: true, ExclusiveStartKey: start as never }));
    items.push(...((page.Items ?? []) as never[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function emptyTables(): Promise<void> {
  await Promise.all(
    tableKeys.map(async (key) => {
      const items = await scanRaw(key);
      const keys = items.map((i) => ({ pk: (i.pk as { S: string }).S, sk: (i.sk as { S: string }).S }));
      if (keys.length > 0) await batchWriteAll(tableName(key), keys.map((k) => ({ DeleteRequest: { Key: k } })));
    }),
  );
}
