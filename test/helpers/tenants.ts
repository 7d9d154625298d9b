/**
 * A fresh tenant per test file (or per test), so files running in parallel against the one
 * DynamoDB Local never see each other's data. Only one file per surface touches the demo tenants.
 */
import { randomUUID } from 'node:crypto';
import { putCredential, putTenant } from '../../lib/auth/credentials';

export interface TestTenant {
  tenantId: string;
  unitsToken: string;
  inventoryToken: string;
  bearerToken: string;
}

export async function createTenant(prefix = 't'): Promise<TestTenant> {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  const tenant = { tenantId: id, unitsToken: `${id}-units`, inventoryToken: `${id}-inv`, bearerToken: `${id}-bearer` };
  await putTenant({ id, name: id, currency: 'USD' });
  await Promise.all([
    putCredential('units', tenant.unitsToken, id),
    putCredential('inventory', tenant.inventoryToken, id),
    putCredential('bearer', tenant.bearerToken, id),
  ]);
  return tenant;
}
