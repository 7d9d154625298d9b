/**
 * The bench's own world: an in-memory DynamoDB Local on a free port, the tables from
 * serverless.yml (stage `bench`), and fresh tenants with their own tokens. Nothing here
 * touches the `npm start` database or the demo data.
 */
import { randomBytes } from 'node:crypto';
import { putCredential, putTenant } from '../lib/auth/credentials';
import { resetDb } from '../lib/db/client';
import { tableEnv } from '../lib/db/tables';
import { freePort, localClient, startDynamoDbLocal } from '../scripts/dynamodb-local';
import { ensureTables } from '../scripts/tables';

export const BENCH_STAGE = 'bench';

export interface BenchDatabase {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A new in-memory DynamoDB Local on a free port; with `reuse`, the local database the
 * environment already points at (DYNAMODB_ENDPOINT: the test suite's, for the smoke test).
 * Either way the bench's own tables (stage `bench`) are created in it.
 */
export async function startBenchDatabase(reuse = false): Promise<BenchDatabase> {
  const existing = process.env.DYNAMODB_ENDPOINT;
  if (reuse && !existing) throw new Error('--reuse-db needs DYNAMODB_ENDPOINT');
  const dynamo: BenchDatabase = reuse
    ? { endpoint: existing!, stop: async () => {} }
    : await startDynamoDbLocal({ port: await freePort(), timeoutMs: 60_000 });
  try {
    const client = localClient(dynamo.endpoint);
    try {
      await ensureTables(client, BENCH_STAGE);
    } finally {
      client.destroy();
    }
  } catch (err) {
    await dynamo.stop();
    throw err;
  }
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...tableEnv(BENCH_STAGE),
  });
  resetDb(); // in case anything created the client before the endpoint was known
  return dynamo;
}

export interface BenchTenant {
  tenantId: string;
  unitsToken: string;
  inventoryToken: string;
  bearerToken: string;
}

export async function createBenchTenant(): Promise<BenchTenant> {
  const tenantId = `bench-${randomBytes(4).toString('hex')}`;
  const secret = () => randomBytes(16).toString('hex');
  const tenant = { tenantId, unitsToken: secret(), inventoryToken: secret(), bearerToken: secret() };
  await putTenant({ id: tenantId, name: tenantId, currency: 'USD' });
  await Promise.all([
    putCredential('units', tenant.unitsToken, tenantId),
    putCredential('inventory', tenant.inventoryToken, tenantId),
    putCredential('bearer', tenant.bearerToken, tenantId),
  ]);
  return tenant;
}
