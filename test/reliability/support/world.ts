/**
 * A fresh tenant with data in all three surfaces, built with the surfaces' own fixture and
 * repository functions (never the demo tenants): what the reliability tests attack and then
 * compare before and after.
 */
import { putAllIfAbsent } from '../../../lib/db/seed';
import { demoEvent, demoWebhookItems } from '../../../lib/webhooks/demo';
import { upsertCourse as upsertEnrollmentCourse } from '../../../lib/enrollment/courses';
import { generateCourseCodes } from '../../../lib/enrollment/generate';
import { createUnit } from '../../../lib/inventory/create';
import { upsertLocation, upsertSublocation, upsertUnitOfMeasure } from '../../../lib/inventory/locations';
import { upsertPart } from '../../../lib/inventory/parts';
import { putUnitsData } from '../../../lib/units/repository';
import { seededReferenceItems } from '../../../lib/units/repository-reference';
import { batchPutAll } from '../../../lib/db/batch';
import { tableName } from '../../../lib/db/tables';
import { createTenant, type TestTenant } from '../../helpers/tenants';

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export interface World extends TestTenant {
  units: { codes: string[]; costs: Record<string, number>; logins: number[]; balance: number };
  inventory: { partId: number; locationId: number; sublocations: number[]; unitIds: number[]; assetIds: string[] };
  enrollment: { courseId: string; codes: string[] };
  /** The demo webhook items (lib/webhooks/demo.ts): an endpoint with one delivery, and a spare one. */
  webhooks: { endpointId: string; spareId: string; eventId: string };
}

export interface WorldOptions {
  /** Inventory part id (another tenant's test uses a different one, so "not found" is real). */
  partId?: number;
  /** Inventory location id (another tenant's test uses a different one, so "not found" is real). */
  locationId?: number;
  /** Inventory units to create on the part (each with an asset id). Default 1. */
  inventoryUnits?: number;
  /** Enrollment codes to generate. Default 3. */
  codes?: number;
  balance?: number;
  extraPayment?: boolean;
  /** Units logins 1..n. Default 20. */
  logins?: number;
  maxEnrollments?: number;
}

export async function world(prefix: string, options: WorldOptions = {}): Promise<World> {
  const tenant = await createTenant(prefix);
  const t = tenant.tenantId;
  const partId = options.partId ?? 11;
  const balance = options.balance ?? 100;
  // Course codes and the enrollment course carry the tenant id: no other tenant has them.
  const suffix = t.slice(-8);
  const codes = [`RA${suffix}`, `RB${suffix}`];
  const costs = { [codes[0]!]: 1, [codes[1]!]: 2 };
  const logins = range(1, options.logins ?? 20);
  const courseId = `course-v1:Rel+${suffix}+1`;
  const wh = { id: options.locationId ?? 1, name: 'WH' };
  await Promise.all([
    putUnitsData(t, {
      account: { unitsAvailable: balance, extraPayment: options.extraPayment ?? false },
      logins,
    }).then(() =>
      // Courses, login profiles and list positions as the demo seed writes them (docs/REFERENCE-DATA.md).
      batchPutAll(
        tableName('units'),
        seededReferenceItems(t, logins, codes.map((code) => ({ code, name: `Course ${code}`, unitCost: costs[code] }))),
      ),
    ),
    // Reference data through the same domain code as the HTTP endpoints and imports.
    upsertUnitOfMeasure(t, { id: 1, name: 'each' }),
    upsertLocation(t, wh).then(() =>
      Promise.all([1, 2].map((id) => upsertSublocation(t, { id, name: `Rack ${id}`, location_id: wh.id }))),
    ),
    upsertPart(t, { id: partId, part_number: `P-${partId}`, description: 'Reliability part' }),
    putAllIfAbsent('tenants', demoWebhookItems(t, `_${suffix}`)),
    upsertEnrollmentCourse(t, { course_id: courseId, ...(options.maxEnrollments === undefined ? {} : { max_enrollments: options.maxEnrollments }) }),
  ]);
  const unitIds: number[] = [];
  const assetIds: string[] = [];
  for (let i = 0; i < (options.inventoryUnits ?? 1); i++) {
    const assetId = `AS-${suffix}-${i}`;
    const unit = await createUnit(t, partId, {
      inventory_sublocation_id: 1,
      unit_id: 1,
      quantity: '100',
      asset_id: assetId,
      sublocation_bin: 'B1',
      generate_asset_id: false,
      comment: 'fixture',
      lot_code: `LOT-${suffix}`,
    });
    unitIds.push(unit.id as number);
    assetIds.push(assetId);
  }
  const enrollmentCodes = options.codes === 0 ? [] : await generateCourseCodes(t, courseId, options.codes ?? 3);
  return {
    ...tenant,
    units: { codes, costs, logins, balance },
    inventory: { partId, locationId: wh.id, sublocations: [1, 2], unitIds, assetIds },
    enrollment: { courseId, codes: enrollmentCodes },
    webhooks: { endpointId: `we_demo_${suffix}`, spareId: `we_demo_spare_${suffix}`, eventId: demoEvent(t).id },
  };
}
