/**
 * The data the scenarios run against, built once per run and shared: tenants with N inventory
 * units, courses with N enrollment codes, a course-units account. Builders are thin on purpose
 * and reuse the surfaces' own code, so they follow design changes: inventory units come from
 * bench/inventory-data.ts (the module's keys.ts builders, BatchWriteItem), codes from the
 * enrollment keys.ts builders (the layout generate-codes commits), course-units data from the units repository's putUnitsData.
 */
import { createBenchTenant, type BenchTenant } from '../env';
import { clearCredentialCache, findTenantByCredential } from '../../lib/auth/credentials';
import { currencyOf, forgetCurrency } from '../../lib/inventory/currency';
import { labelResolver } from '../../lib/inventory/labels';
import { BENCH_COURSE } from '../bulk-codes';
import { generateCodes } from '../../lib/enrollment/code-generator';
import { listedItems, codeCountItem } from '../../lib/enrollment/items';
import { seedInventory, type InventoryFixture } from '../inventory-data';
import { batchPutAll } from '../../lib/db/batch';
import { tableName } from '../../lib/db/tables';
import { putCourse } from '../../lib/enrollment/repository';
import { sublocationItem } from '../../lib/inventory/items';
import { putUnitsData } from '../../lib/units/repository';

export { BENCH_COURSE };
export const MAX_CODES_PER_CALL = 10_000;

const once = <T>(cache: Map<string, Promise<T>>, key: string, build: () => Promise<T>): Promise<T> => {
  let found = cache.get(key);
  if (!found) {
    found = build();
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
};

export interface InventoryWorld extends InventoryFixture {
  tenant: BenchTenant;
  /** a second sublocation, for moves */
  otherSublocationId: number;
  /** next unit id nobody changed yet (write scenarios take one each) */
  take(): number;
}

const inventories = new Map<string, Promise<InventoryWorld>>();

/** A tenant with `units` inventory units of part 728 (1 % with lot code HOT-LOT). */
export function inventoryTenant(units: number, label = ''): Promise<InventoryWorld> {
  return once(inventories, `${units}${label}`, async () => {
    const tenant = await createBenchTenant();
    const fixture = await seedInventory(tenant.tenantId, units, 100);
    // Listed under CDHQ (position 1), as a sublocation created over HTTP is.
    await batchPutAll(tableName('inventory'), [sublocationItem(tenant.tenantId, { id: 2, name: 'Shelf 2' }, { id: 1, name: 'CDHQ' }, 1)]);
    let next = 0;
    return { ...fixture, tenant, otherSublocationId: 2, take: () => (next = next + 1 > units ? 1 : next + 1) };
  });
}

export interface CodesWorld {
  tenant: BenchTenant;
  courseId: string;
  codes: string[];
}

const courses = new Map<string, Promise<CodesWorld>>();

/** A course with `count` codes, generated through the generate-codes handler (unmetered). */
export function codesCourse(count: number, label = ''): Promise<CodesWorld> {
  return once(courses, `${count}${label}`, async () => {
    const tenant = await createBenchTenant();
    await putCourse(tenant.tenantId, { courseId: BENCH_COURSE });
    // The listing layout generate-codes commits (lib/enrollment/keys.ts), written directly.
    const createdAt = new Date().toISOString();
    const codes = generateCodes(count);
    for (let start = 0; start < count; start += MAX_CODES_PER_CALL) {
      const records = codes.slice(start, start + MAX_CODES_PER_CALL).map((code) => ({ code, courseId: BENCH_COURSE, status: 'active' as const, createdAt }));
      const items = listedItems(tenant.tenantId, BENCH_COURSE, records, start);
      await batchPutAll(tableName('enrollment'), [...items.codes, ...items.blocks]);
    }
    await batchPutAll(tableName('enrollment'), [codeCountItem(tenant.tenantId, BENCH_COURSE, count)]);
    return { tenant, courseId: BENCH_COURSE, codes };
  });
}

export interface UnitsWorld {
  tenant: BenchTenant;
  logins: number[];
  /** `count` course codes nobody assigned yet */
  freshCourses(count: number): string[];
}

let unitsWorld: Promise<UnitsWorld> | undefined;
const COURSE_POOL = 1000;
export const MAX_LOGINS = 1000;

/** A course-units account with plenty of units, 1,000 logins and a pool of 1,000 courses. */
export function unitsTenant(): Promise<UnitsWorld> {
  unitsWorld ??= (async () => {
    const tenant = await createBenchTenant();
    const codes = Array.from({ length: COURSE_POOL }, (_, i) => `C${String(i).padStart(4, '0')}`);
    const logins = Array.from({ length: MAX_LOGINS }, (_, i) => i + 1);
    await putUnitsData(tenant.tenantId, {
      account: { unitsAvailable: 10_000_000, extraPayment: false },
      courses: codes.map((code) => ({ code, name: `Course ${code}`, unitCost: 1 })),
      logins,
    });
    let next = 0;
    return {
      tenant,
      logins,
      freshCourses: (count: number) => {
        if (next + count > COURSE_POOL) throw new Error('capacity: course pool exhausted');
        next += count;
        return codes.slice(next - count, next);
      },
    };
  })();
  return unitsWorld;
}

/** Forget everything built (a new database). */
export function resetWorld(): void {
  inventories.clear();
  courses.clear();
  unitsWorld = undefined;
}

/**
 * What a warm Lambda serving this tenant has cached: its credential and, for inventory, its
 * currency, the names of its first places and its place list (labels.ts). The credential and
 * the currency are read afresh, not found in the cache: an entry an earlier scenario left could
 * lapse (30 s, 60 s) between here and the metered call on a slow machine, which then counted
 * one more read than the call costs on a warm Lambda.
 */
export async function warmTenant(tenant: BenchTenant, kind: 'units' | 'inventory' | 'bearer'): Promise<void> {
  const secret = { units: tenant.unitsToken, inventory: tenant.inventoryToken, bearer: tenant.bearerToken }[kind];
  clearCredentialCache();
  await findTenantByCredential(kind, secret);
  if (kind === 'inventory') {
    const labels = labelResolver(tenant.tenantId);
    forgetCurrency(tenant.tenantId);
    await Promise.all([currencyOf(tenant.tenantId), labels.labels([1, 2]), labels.directory()]);
  }
}
