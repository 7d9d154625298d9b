/**
 * Table names come from the environment (serverless.yml sets them per stage). Read through
 * a function that fails fast, so a misconfigured deployment says which variable is missing.
 */
export type TableKey = 'tenants' | 'units' | 'inventory' | 'enrollment' | 'idempotency';

const envNames: Record<TableKey, string> = {
  tenants: 'TENANTS_TABLE',
  units: 'UNITS_TABLE',
  inventory: 'INVENTORY_TABLE',
  enrollment: 'ENROLLMENT_TABLE',
  idempotency: 'IDEMPOTENCY_TABLE',
};

export function tableName(key: TableKey): string {
  const name = process.env[envNames[key]];
  if (!name) throw new Error(`${envNames[key]} is not set`);
  return name;
}

/** The environment for a given stage, as serverless.yml computes it. */
export function tableEnv(stage: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(envNames) as TableKey[]) env[envNames[key]] = `allot-${stage}-${key}`;
  return env;
}
