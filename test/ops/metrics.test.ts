/**
 * The EMF metrics (lib/metrics): requests run through the real handlers with stdout captured,
 * and the EMF lines found there checked: namespace Allot, dimensions service + function only
 * (never a tenant: the tenant id appears nowhere in them), requests / 4xx / 5xx / latency on
 * every request, and each business count where its domain call succeeded.
 */
import { vi } from 'vitest';

// The test run silences metrics (test/setup/global-dynamodb.ts); this file wants them on stdout.
// Hoisted above the imports, so lib/metrics is created with them enabled.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handler as adjustQuantity } from '../../functions/inventory/adjust-quantity';
import { handler as enroll } from '../../functions/enrollment/enroll-user-with-code';
import { handler as generateCodes } from '../../functions/enrollment/generate-codes';
import { handler as assignUnits } from '../../functions/units/assign-units';
import { handler as inventories } from '../../functions/units/inventories';
import { clearCredentialCache } from '../../lib/auth/credentials';
import { db } from '../../lib/db/client';
import { putCourse } from '../../lib/enrollment/repository';
import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../lib/http/event';
import { lambdaContext } from '../../scripts/lambda-context';
import { buildEvent, type RequestSpec } from '../helpers/http';
import { inventoryTenant, type InventoryTenant } from '../functions/inventory/fixture';
import { unitsTenant } from '../lib/units/fixtures';
import { createTenant, type TestTenant } from '../helpers/tenants';

type Emf = {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
};
type Handler = (event: HttpEvent, context: Context) => Promise<{ statusCode: number; body: string }>;

/** Runs one request as function `name` with stdout captured; its status, body and the EMF records printed. */
async function run(fn: Handler, name: string, spec: RequestSpec): Promise<{ status: number; body: string; emf: Emf[] }> {
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const result = await fn(buildEvent(spec), lambdaContext(`allot-test-${name}`));
    const emf = printed.flatMap((text) => text.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Emf);
    return { status: result.statusCode, body: result.body, emf };
  } finally {
    spy.mockRestore();
  }
}

const directive = (record: Emf) => record._aws.CloudWatchMetrics[0]!;
const metricNames = (record: Emf) => directive(record).Metrics.map((m) => m.Name).sort();

let units: TestTenant;
let inventory: InventoryTenant;
let enrollment: TestTenant;
const courseId = 'course-v1:Metrics+Test+1';

beforeAll(async () => {
  units = await unitsTenant({
    account: { unitsAvailable: 1, extraPayment: true },
    courses: [{ code: 'M', name: 'Metrics course' }],
    logins: [1, 2, 3],
  });
  inventory = await inventoryTenant();
  enrollment = await createTenant('metrics');
  await putCourse(enrollment.tenantId, { courseId });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('every request', () => {
  it('publishes one EMF record: requests, 4xx, 5xx, latency in namespace Allot, dimensions service and function', async () => {
    const { status, emf } = await run(inventories, 'listInventories', { path: '/api/v2/inventories', headers: { Authorization: `Token token="${units.unitsToken}"` } });
    expect(status).toBe(200);
    expect(emf).toHaveLength(1);
    const [record] = emf as [Emf];
    expect(directive(record).Namespace).toBe('Allot');
    expect(directive(record).Dimensions).toEqual([['service', 'function']]);
    expect(record).toMatchObject({ service: 'allot', function: 'allot-test-listInventories', requests: 1, '4xx': 0, '5xx': 0, latency: expect.any(Number) });
    expect(Object.fromEntries(directive(record).Metrics.map((m) => [m.Name, m.Unit]))).toEqual({ requests: 'Count', '4xx': 'Count', '5xx': 'Count', latency: 'Milliseconds' });
  });

  it('counts a refused request as 4xx', async () => {
    const { status, emf } = await run(inventories, 'listInventories', { path: '/api/v2/inventories', headers: { Authorization: 'Token token="wrong-token-for-metrics"' } });
    expect(status).toBe(401);
    expect(emf).toEqual([expect.objectContaining({ requests: 1, '4xx': 1, '5xx': 0 })]);
  });

  it('counts an unexpected failure as 5xx', async () => {
    clearCredentialCache(); // so the credential lookup reaches the failing database
    vi.spyOn(db(), 'send').mockRejectedValue(new Error('database exploded') as never);
    const { status, emf } = await run(inventories, 'listInventories', { path: '/api/v2/inventories', headers: { Authorization: `Token token="${units.unitsToken}"` } });
    expect(status).toBe(500);
    expect(emf).toEqual([expect.objectContaining({ requests: 1, '4xx': 0, '5xx': 1 })]);
  });
});

describe('business counts, from what the domain call returned', () => {
  const records: Emf[] = [];
  const tenants = () => [units, inventory, enrollment];

  it('assign_units: units assigned and units owed', async () => {
    // 3 logins x 1 unit with 1 available: 3 assigned, 2 of them owed (extra payment allowed)
    const { status, emf } = await run(assignUnits, 'assignUnits', {
      method: 'POST',
      path: '/api/v2/inventories/assign_units',
      headers: { Authorization: `Token token="${units.unitsToken}"` },
      body: { course_codes: ['M'], login_ids: [1, 2, 3] },
    });
    expect(status).toBe(200);
    expect(emf).toEqual([expect.objectContaining({ unitsAssigned: 3, unitsOwed: 2, requests: 1 })]);
    records.push(...emf);
  });

  it('generate-codes and enroll-user-with-code: codes generated and redeemed', async () => {
    const bearer = { Authorization: `Bearer ${enrollment.bearerToken}` };
    const generated = await run(generateCodes, 'generateEnrollmentCodes', {
      method: 'POST',
      path: '/api/enrollment/v1/generate-codes',
      headers: bearer,
      body: { course_id: courseId, total_registration_codes: 4 },
    });
    expect(generated.status).toBe(200);
    expect(generated.emf).toEqual([expect.objectContaining({ codesGenerated: 4 })]);
    const { codes } = JSON.parse(generated.body) as { codes: string[] };
    const redeemed = await run(enroll, 'enrollUserWithCode', {
      method: 'POST',
      path: '/api/enrollment/v1/enroll-user-with-code',
      headers: bearer,
      body: { email: 'metrics@example.com', enrollment_code: codes[0] },
    });
    expect(redeemed.status).toBe(200);
    expect(redeemed.emf).toEqual([expect.objectContaining({ codesRedeemed: 1 })]);
    const refused = await run(enroll, 'enrollUserWithCode', {
      method: 'POST',
      path: '/api/enrollment/v1/enroll-user-with-code',
      headers: bearer,
      body: { email: 'metrics@example.com', enrollment_code: 'NOSUCHCODE' },
    });
    expect(metricNames(refused.emf[0]!)).not.toContain('codesRedeemed');
    records.push(...generated.emf, ...redeemed.emf, ...refused.emf);
  });

  it('adjust_quantity: one stock adjustment', async () => {
    const unit = await inventory.createUnit({ quantity: 5 });
    const route = '/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}/adjust_quantity';
    const { status, emf } = await run(adjustQuantity, 'adjustInventoryUnitQuantity', {
      method: 'PUT',
      route,
      path: `/api/v2/${inventory.inventoryToken}/parts/1/inventory_units/${unit.id}/adjust_quantity`,
      body: { inventory_unit: { quantity: 3, inventory_record: { comment: 'count' } } },
    });
    expect(status).toBe(200);
    expect(emf).toEqual([expect.objectContaining({ stockAdjustments: 1 })]);
    records.push(...emf);
  });

  it('never carry a tenant id, as a dimension or anywhere else', () => {
    expect(records.length).toBeGreaterThanOrEqual(5);
    for (const record of records) {
      expect(directive(record).Dimensions).toEqual([['service', 'function']]);
      const text = JSON.stringify(record);
      for (const tenant of tenants()) expect(text).not.toContain(tenant.tenantId);
    }
  });
});
