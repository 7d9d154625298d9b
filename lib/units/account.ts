/** The account as the API shows it (GET /api/v2/inventories), and grants of units. */
import { ServiceUnavailableError, ValidationError } from '../errors';
import { planGrant } from './balance';
import { getAccount, listCourses, updateBalanceForGrant } from './repository';

export interface Inventory {
  units_available: number;
  units_used: number;
  units_owed: number;
  courses: { code: string; name: string; unit_cost: number; assigned: number }[];
}

/** Balance and courses of a tenant; a tenant without an account has zero of everything. */
export async function getInventory(tenantId: string): Promise<Inventory> {
  const [account, courses] = await Promise.all([getAccount(tenantId), listCourses(tenantId)]);
  return {
    units_available: account?.unitsAvailable ?? 0,
    units_used: account?.unitsUsed ?? 0,
    units_owed: account?.unitsOwed ?? 0,
    courses: courses.map((c) => ({
      code: c.code,
      name: c.name,
      unit_cost: c.unitCost,
      assigned: account?.assigned[c.code] ?? 0,
    })),
  };
}

/**
 * Adds `units` to a tenant's account (for the admin CLI): owed units are paid off first.
 * Optimistic on units_owed, which a commit may raise at the same moment.
 */
export async function grantUnits(tenantId: string, units: number): Promise<{ paidOwed: number; added: number }> {
  if (!Number.isSafeInteger(units) || units <= 0) throw new ValidationError('units must be a positive integer');
  for (let attempt = 0; attempt < 10; attempt++) {
    const owed = (await getAccount(tenantId))?.unitsOwed ?? 0;
    const { payOwed, addAvailable } = planGrant(owed, units);
    if (await updateBalanceForGrant(tenantId, owed, owed - payOwed, addAvailable)) {
      return { paidOwed: payOwed, added: addAvailable };
    }
  }
  throw new ServiceUnavailableError();
}
