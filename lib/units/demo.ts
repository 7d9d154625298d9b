/**
 * Demo data for this surface (SPEC section 6), built with the model's item functions.
 * Written only where absent: a second load keeps balances and assignments as they are
 * (logins are a set: adding them again changes nothing).
 */
import { putAllIfAbsent } from '../db/seed';
import { accountItem, type UnitsData } from './model';
import { addLogins } from './repository';
import { seededReferenceItems } from './repository-reference';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const demoUnits: Record<'demo' | 'other', UnitsData> = {
  demo: {
    account: { unitsAvailable: 10, extraPayment: false },
    courses: [
      { code: 'JHSC', name: 'Job Hazard Safety Certification', unitCost: 1 },
      { code: 'FORK', name: 'Forklift Operation', unitCost: 3 },
    ],
    logins: range(1, 50),
  },
  other: {
    account: { unitsAvailable: 5, extraPayment: true },
    courses: [{ code: 'JHSC', name: 'Job Hazard Safety Certification', unitCost: 1 }],
    logins: range(1, 10),
  },
};

/** A tenant's units items shaped like `data` (its logins are sets: addLogins), with its reference data's profiles, list positions and counters. */
export function demoUnitsItems(t: string, data: UnitsData): Record<string, unknown>[] {
  return [...(data.account ? [accountItem(t, data.account)] : []), ...seededReferenceItems(t, data.logins ?? [], data.courses ?? [])];
}

export async function seedDemoUnits(): Promise<void> {
  for (const [tenantId, data] of Object.entries(demoUnits)) {
    await putAllIfAbsent('units', demoUnitsItems(tenantId, data));
    await addLogins(tenantId, data.logins ?? []);
  }
}
