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

/**
 * Each table's name as a function, defined once here: a repository imports its table's as
 * `table` (`import { unitsTable as table } from '../db/tables'`).
 */
export const tenantsTable = (): string => tableName('tenants');
export const unitsTable = (): string => tableName('units');
export const inventoryTable = (): string => tableName('inventory');
export const enrollmentTable = (): string => tableName('enrollment');
export const idempotencyTable = (): string => tableName('idempotency');
