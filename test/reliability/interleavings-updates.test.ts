/**
 * Two updates of different fields of one item, interleaved (issue 21): the first reads, the
 * second runs whole and answers 200, then the first writes. The first must not put back the
 * field the second changed. The first one's write is held by support/faults.ts (a `Hold`: a
 * slow call, which DynamoDB Local never produces by itself); everything else is DynamoDB Local.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resetDb } from '../../lib/db/client';
import { createCourse as createEnrollmentCourse, showCourse, updateCourse as updateEnrollmentCourse } from '../../lib/enrollment/courses';
import { getCourseListing } from '../../lib/enrollment/repository';
import { createPart, updatePart } from '../../lib/inventory/parts';
import { findPart } from '../../lib/inventory/repository-reference';
import { createCourse as createUnitsCourse, updateCourse as updateUnitsCourse } from '../../lib/units/courses';
import { createLogin, updateLogin } from '../../lib/units/logins';
import { findCourse as findUnitsCourse, findLogin } from '../../lib/units/repository-reference';
import { createTenant } from '../helpers/tenants';
import { endFaults, gate, injectFaults, type Injector } from './support/faults';

let faults: Injector | undefined;
afterEach(() => {
  faults = endFaults(faults);
  resetDb();
});

/** Runs `slow` with its first write transaction held until `fast` has finished, then lets it land. */
async function interleave(slow: () => Promise<unknown>, fast: () => Promise<unknown>) {
  const held = gate();
  const reached = gate();
  faults = injectFaults({
    select: (a) => a.command === 'TransactWriteItemsCommand',
    fault: (a) => (a.call === 1 ? (reached.open(), { until: held.opened }) : undefined),
  });
  const first = slow();
  await reached.opened;
  await fast();
  held.open();
  await first;
}

describe('a concurrent update of another field is kept', () => {
  it('enrollment course PUT: max_enrollments lowered to 2 stays 2 (course and the cap enroll checks)', async () => {
    const { tenantId } = await createTenant('enr');
    const courseId = 'course-v1:Org+C+Run';
    await createEnrollmentCourse(tenantId, { course_id: courseId, max_enrollments: 10 });
    await interleave(
      () => updateEnrollmentCourse(tenantId, courseId, { enrollment_end: '2030-01-01T00:00:00.000Z' }),
      () => updateEnrollmentCourse(tenantId, courseId, { max_enrollments: 2 }),
    );
    const shown = await showCourse(tenantId, courseId);
    expect(shown).toMatchObject({ max_enrollments: 2, enrollment_end: '2030-01-01T00:00:00.000Z' });
    expect(Number((await getCourseListing(tenantId, courseId)).counter?.cap)).toBe(2);
  });

  it('units course PUT: unit_cost changed to 0 stays 0', async () => {
    const { tenantId } = await createTenant('uc');
    await createUnitsCourse(tenantId, { code: 'C1', name: 'Old', unit_cost: 5 });
    await interleave(
      () => updateUnitsCourse(tenantId, 'C1', { name: 'New' }),
      () => updateUnitsCourse(tenantId, 'C1', { unit_cost: 0 }),
    );
    expect(await findUnitsCourse(tenantId, 'C1')).toMatchObject({ name: 'New', unit_cost: 0 });
  });

  it('login PUT: a last_name set concurrently with a first_name stays', async () => {
    const { tenantId } = await createTenant('ul');
    const login = await createLogin(tenantId, { email: 'a@example.com', first_name: 'Ann', last_name: 'Lee' });
    await interleave(
      () => updateLogin(tenantId, login.id, { first_name: 'Anna' }),
      () => updateLogin(tenantId, login.id, { last_name: 'Li' }),
    );
    expect(await findLogin(tenantId, login.id)).toMatchObject({ first_name: 'Anna', last_name: 'Li', email: 'a@example.com' });
  });

  it('part PUT: a manufacturer set concurrently with a description stays', async () => {
    const { tenantId } = await createTenant('ip');
    const part = await createPart(tenantId, { part_number: 'P-1', description: 'old', manufacturer: 'Acme' });
    await interleave(
      () => updatePart(tenantId, part.id, { description: 'new' }),
      () => updatePart(tenantId, part.id, { manufacturer: 'Globex' }),
    );
    expect(await findPart(tenantId, part.id)).toMatchObject({ description: 'new', manufacturer: 'Globex', part_number: 'P-1' });
  });
});
