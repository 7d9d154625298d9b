/**
 * Shared by the operations tests (not a test file): running a function from serverless.yml
 * with an event file, a tenant shaped like the demo one for the events that change data, and
 * a recorder of the DynamoDB calls a function makes, to hold them against its IAM statements.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { rawDb } from '../../lib/db/client';
import { putAllIfAbsent } from '../../lib/db/seed';
import { demoCourseId } from '../../lib/enrollment/demo';
import { insertCodes, putCourse } from '../../lib/enrollment/repository';
import { blankUnit, demoReferenceData } from '../../lib/inventory/demo';
import { tenantUnitItems } from '../../lib/inventory/items';
import type { InventoryUnit } from '../../lib/inventory/model';
import { demoUnits, demoUnitsItems } from '../../lib/units/demo';
import { addLogins } from '../../lib/units/repository';
import { demoWebhookItems } from '../../lib/webhooks/demo';
import type { FunctionDefinition } from '../../scripts/functions';
import { repoRoot } from '../../scripts/serverless-yml';
import { iamCalls, type Call } from '../helpers/iam';
import { createTenant, type TestTenant } from '../helpers/tenants';

export const demoSecrets = {
  inventory: 'oid3vLgynoy_Yl1gZkrgkLEq3J',
  units: 'demo-ll-token',
  bearer: 'cbf6a5de322cf6a4323c957a882xy1s321c954b86',
  clientSecret: 'demo-secret',
};

export const readEvent = (name: string): string => readFileSync(resolve(repoRoot, 'events', `${name}.json`), 'utf8');

/** The event file with the demo credentials replaced by the tenant's (the file itself stays as it is). */
export function asTenant(eventJson: string, tenant: TestTenant): unknown {
  return JSON.parse(
    eventJson
      .replaceAll(demoSecrets.inventory, tenant.inventoryToken)
      .replaceAll(demoSecrets.units, tenant.unitsToken)
      .replaceAll(demoSecrets.bearer, tenant.bearerToken),
  );
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export async function loadHandler(fn: FunctionDefinition): Promise<Handler> {
  const mod = (await import(pathToFileURL(fn.sourcePath).href)) as Record<string, unknown>;
  const handler = mod[fn.exportName];
  if (typeof handler !== 'function') throw new Error(`${fn.sourcePath} exports no ${fn.exportName}`);
  return handler as Handler;
}

/**
 * A fresh tenant holding what the events that change data need, shaped like tenant demo
 * (SPEC section 6): course units, part 730 and unit 104 of part 728, the demo course and codes.
 */
export async function demoLikeTenant(): Promise<TestTenant> {
  const tenant = await createTenant('events');
  const t = tenant.tenantId;
  const unit104: InventoryUnit = {
    ...blankUnit,
    id: 104, part_id: 728, quantity: '1275', unit_id: 2, unit: 'each',
    inventory_sublocation_id: 2, inventory_location: 'FUN - Bin 34A', serial_number: '', lot_code: '', datecode: '',
    created_at: '2016-12-13T10:58:14+00:00', updated_at: '2016-12-14T13:24:48+00:00',
  };
  await Promise.all([
    putAllIfAbsent('tenants', demoWebhookItems(t)),
    putAllIfAbsent('units', demoUnitsItems(t, demoUnits.demo)).then(() => addLogins(t, demoUnits.demo.logins ?? [])),
    putCourse(t, { courseId: demoCourseId }).then(() =>
      insertCodes(t, ['V5QBQMN6', '1Ls34dQa'].map((code) => ({ code, courseId: demoCourseId, status: 'active', createdAt: '2024-01-01T00:00:00.000Z' }))),
    ),
    putAllIfAbsent('inventory', [
      ...demoReferenceData(t),
      ...tenantUnitItems(t, [
        {
          unit: unit104,
          records: [
            {
              id: 2, unit_id: 104, unit_version: 1, record_type: 'create', quantity_change: '1275', quantity_after: '1275',
              comment: null, inventory_location: unit104.inventory_location, created_at: unit104.created_at,
            },
          ],
        },
      ]),
    ]),
  ]);
  return tenant;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB calls as IAM sees them (test/helpers/iam.ts), recorded here for the events test.

export { callResource, deniedCalls, iamCalls, resourceName, type Call } from '../helpers/iam';

/** Records every DynamoDB call this process makes from now on (one middleware on the shared client). */
export function recordDynamoCalls(): { calls: Call[] } {
  const record = { calls: [] as Call[] };
  rawDb().middlewareStack.add(
    (next, context) => async (args) => {
      record.calls.push(...iamCalls(String(context.commandName), args.input as Record<string, unknown>));
      return next(args);
    },
    { step: 'initialize', name: 'opsTestRecorder', override: true },
  );
  return record;
}
