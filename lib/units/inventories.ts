/** The account as the API shows it (GET /api/v2/inventories). */
import { getAccount, listCourses } from './repository';

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
