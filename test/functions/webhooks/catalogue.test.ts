/**
 * The catalogue against the real write paths: every write endpoint's valid request (the
 * reliability suite's, test/reliability/support/endpoints.ts) and a grant, on DynamoDB Local,
 * read back from the tables' streams by the event runner (its bus here only collects). Each
 * change gives its event type, once, for its tenant only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb } from '../../../lib/db/client';
import type { AllotEvent } from '../../../lib/events/envelope';
import { EVENT_TYPES } from '../../../lib/events/catalogue';
import { grantUnits } from '../../../lib/units/grant';
import { EventRunner } from '../../../scripts/event-runner';
import { loadEndpoints, sendValid, type Endpoint } from '../../reliability/support/endpoints';
import { world, type World } from '../../reliability/support/world';
import { eventually } from './support';

const seen: AllotEvent[] = [];
let runner: EventRunner;
let w: World;
let endpoints: Endpoint[];

beforeAll(async () => {
  runner = new EventRunner(rawDb(), process.env.DYNAMODB_ENDPOINT!, 50, { put: async (events) => void seen.push(...events) });
  await runner.start();
  w = await world('catalogue');
  endpoints = (await loadEndpoints()).endpoints;
}, 60_000);

afterAll(() => runner?.stop());

const byName = (name: string) => endpoints.find((e) => e.name === name)!;
const mine = () => seen.filter((e) => e.tenant === w.tenantId);

describe('the event catalogue on the real write paths', () => {
  // Each write, and the event types it must give (and only those, among the types it could give).
  const writes: [string, string[]][] = [
    ['updateInventoryUnit', ['inventory_unit.updated']],
    ['adjustInventoryUnitQuantity', ['inventory_unit.adjusted']],
    ['moveInventoryUnit', ['inventory_unit.moved']],
    ['splitInventoryUnit', ['inventory_unit.split', 'inventory_unit.created']],
    ['createInventoryUnit', ['inventory_unit.created']],
    ['assignUnits', ['units.assigned']],
    ['enrollUserWithCode', ['code.redeemed']],
    ['enrollmentCodeStatus', ['code.canceled']],
    ['generateEnrollmentCodes', ['code.generated']],
    ['createPart', ['inventory.part.created']],
    ['updatePart', ['inventory.part.updated']],
    ['createInventoryLocation', ['inventory.location.created']],
    ['createInventorySublocation', ['inventory.sublocation.created']],
    ['createUnitOfMeasure', ['inventory.unit_of_measure.created']],
    ['createLogin', ['units.login.created']],
    ['updateLogin', ['units.login.updated']],
    ['createCourse', ['units.course.created']],
    ['updateCourse', ['units.course.updated']],
    ['createEnrollmentCourse', ['enrollment.course.created']],
    ['updateEnrollmentCourse', ['enrollment.course.updated']],
  ];

  // A PUT that changes nothing gives nothing: these change a value for real.
  const changes: Record<string, (w: World) => Record<string, unknown>> = {
    updateCourse: (x) => ({ body: { course: { name: `Renamed ${x.units.codes[0]}` } } }),
  };

  it.each(writes)('%s gives %j, once, for its tenant', async (name, types) => {
    const before = new Set(mine().map((e) => e.id));
    const res = await sendValid(byName(name), w, changes[name]?.(w));
    expect(res.statusCode, res.body).toBeLessThan(300);
    const fresh = await eventually(() => {
      const now = mine().filter((e) => !before.has(e.id));
      return types.every((t) => now.some((e) => e.type === t)) ? now : undefined;
    });
    // Nothing but the expected types (a request writes many items: counters, lists, indexes).
    await new Promise((done) => setTimeout(done, 300));
    const all = mine().filter((e) => !before.has(e.id));
    expect([...new Set(all.map((e) => e.type))].sort()).toEqual([...types].sort());
    expect(fresh.every((e) => e.specversion === '1.0' && e.tenant === w.tenantId && /^evt_[0-9a-f]{32}$/.test(e.id))).toBe(true);
  });

  it('a grant gives units.granted with the units added; a restore gives code.restored', async () => {
    await grantUnits(w.tenantId, 7);
    const granted = await eventually(() => mine().find((e) => e.type === 'units.granted'));
    expect(granted.data).toMatchObject({ units_granted: 7 });
    const status = byName('enrollmentCodeStatus');
    const res = await sendValid(status, w, { body: { enrollment_code: w.enrollment.codes[2]!, action: 'restore' } });
    expect(res.statusCode, res.body).toBe(200);
    const restored = await eventually(() => mine().find((e) => e.type === 'code.restored'));
    expect(restored.data).toMatchObject({ code: w.enrollment.codes[2], status: 'active', previous_status: 'canceled' });
  });

  it('every event is of a catalogued type, and no change was published twice', () => {
    const types = new Set<string>(EVENT_TYPES);
    expect(mine().filter((e) => !types.has(e.type))).toEqual([]);
    const ids = mine().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
