/**
 * Twenty requests at once for one tenant: never an overspend, and what was charged is exactly
 * what was recorded (assignment items x unit cost = ledger = balance change).
 */
import { describe, expect, it } from 'vitest';
import { assign, ledgerTotals, range, snapshot, unitsTenant } from '../../lib/units/fixtures';

const unitCost = 2;
// Request i asks for logins 2i+1 .. 2i+4: neighbours overlap by two, so some pairs are
// asked for twice and must be charged once. 42 distinct logins x 2 units = 84 units needed.
const requests = range(0, 19).map((i) => ({ course_codes: ['A'], login_ids: range(2 * i + 1, 2 * i + 4) }));
const needed = 42 * unitCost;

describe('20 concurrent requests needing 3x the balance', () => {
  it('without extra payment: the balance never goes below 0 and charges match the records', async () => {
    const balance = needed / 3;
    const t = await unitsTenant({ account: { unitsAvailable: balance, extraPayment: false }, courses: [{ code: 'A', name: 'A', unitCost }], logins: range(1, 42) });
    const responses = await Promise.all(requests.map((body) => assign(t.unitsToken, body)));

    expect(responses.map((r) => r.statusCode).sort()).toEqual(expect.arrayContaining([200, 422]));
    for (const r of responses) {
      if (r.statusCode === 200) expect(r.json).toEqual({});
      else expect(r.json).toEqual({ errors: 'You do not have enough units to complete this operation' });
    }
    const { inventory, counts } = await snapshot(t.tenantId);
    const ledger = await ledgerTotals(t.tenantId);
    expect(inventory.units_available).toBeGreaterThanOrEqual(0);
    expect(ledger.units).toBe(counts.A! * unitCost);
    expect(ledger.units).toBe(balance - inventory.units_available);
    expect(inventory.units_used).toBe(ledger.units);
    expect(inventory.units_owed).toBe(0);
    expect(ledger.entries).toBe(responses.filter((r) => r.statusCode === 200).length);
    expect(inventory.courses[0]!.assigned).toBe(counts.A);
  });

  it('with extra payment: all succeed, the balance ends at 0 and the owed units add up', async () => {
    const balance = needed / 3;
    const t = await unitsTenant({ account: { unitsAvailable: balance, extraPayment: true }, courses: [{ code: 'A', name: 'A', unitCost }], logins: range(1, 42) });
    const responses = await Promise.all(requests.map((body) => assign(t.unitsToken, body)));

    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const reportedOwed = responses.reduce((s, r) => s + Number((r.json as { extra_payment?: string }).extra_payment ?? 0), 0);
    const { inventory, counts } = await snapshot(t.tenantId);
    const ledger = await ledgerTotals(t.tenantId);
    expect(counts.A).toBe(42);
    expect(ledger.units).toBe(needed);
    expect(inventory).toMatchObject({ units_available: 0, units_used: needed, units_owed: needed - balance });
    expect(ledger.owed).toBe(needed - balance);
    expect(reportedOwed).toBe(needed - balance);
  });
});
