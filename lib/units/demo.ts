/**
 * Demo data for this surface (SPEC section 6), built with the model's item functions.
 * Written only where absent: a second load keeps balances and assignments as they are
 * (logins are a set: adding them again changes nothing).
 */
import { putAllIfAbsent } from '../db/seed';
import { accountItem, courseItem, type UnitsData } from './model';
import { addLogins } from './repository';

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

export async function seedDemoUnits(): Promise<void> {
  for (const [tenantId, data] of Object.entries(demoUnits)) {
    await putAllIfAbsent('units', [accountItem(tenantId, data.account!), ...data.courses!.map((c) => courseItem(tenantId, c))]);
    await addLogins(tenantId, data.logins!);
  }
}
