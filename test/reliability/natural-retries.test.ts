/**
 * Retries a client makes without (and with) an Idempotency-Key where the contract decides the
 * answer (docs/RELIABILITY.md R7-R10): enroll sent again by the email that redeemed the code,
 * a late cancel/restore, assign_units owing extra payment, and form-encoded `+5`.
 */
import { getAccount } from '../../lib/units/repository';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCode } from '../../lib/enrollment/repository';
import { invariant, reportCounts } from './support/counts';
import { credentialFor, loadEndpoints, requestFor, send, tokenOf, type Endpoint, type Input } from './support/endpoints';
import { changes, snapshot } from './support/snapshot';
import { world, type World } from './support/world';

const { endpoints } = await loadEndpoints();
const ep = (name: string) => endpoints.find((e) => e.name === name)!;
const sendAs = (e: Endpoint, w: World, input: Input, idempotencyKey?: string) =>
  send(e.handler, requestFor(e, e.routes[0]!, credentialFor(e.surface, tokenOf(e.surface, w)), {
    ...input,
    headers: { ...input.headers, ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
  }));

let w: World;
beforeAll(async () => {
  w = await world('natural', { inventoryUnits: 2, codes: 6 });
});
afterAll(() => reportCounts('natural-retries.test.ts'));

describe('enroll sent again', () => {
  const enroll = () => ep('enrollUserWithCode');

  it('by the email that redeemed the code: 200 {"success": "true"} and nothing changes', async () => {
    const body = { email: 'Retry@Example.com', enrollment_code: w.enrollment.codes[0]! };
    const first = await sendAs(enroll(), w, { body });
    expect([first.statusCode, first.json]).toEqual([200, { success: 'true' }]);
    const before = await snapshot(w, {}, ['enrollment']);
    for (const again of [body, { ...body, email: 'retry@example.com' }]) {
      const res = await sendAs(enroll(), w, { body: again });
      expect([res.statusCode, res.json]).toEqual([200, { success: 'true' }]);
    }
    expect(changes(before, await snapshot(w, {}, ['enrollment']))).toEqual([]);
    invariant(3);
  });

  it('by another email: still 400 Enrollment code error., nothing changes', async () => {
    const before = await snapshot(w, {}, ['enrollment']);
    const res = await sendAs(enroll(), w, { body: { email: 'someone-else@example.com', enrollment_code: w.enrollment.codes[0]! } });
    expect([res.statusCode, res.json]).toEqual([400, { success: 'false', reason: 'Enrollment code error.' }]);
    expect(changes(before, await snapshot(w, {}, ['enrollment']))).toEqual([]);
    invariant(2);
  });

  it('the same enroll sent 10 times at once: every answer is 200, one enrollment, the code redeemed once', async () => {
    const code = w.enrollment.codes[1]!;
    const results = await Promise.all(Array.from({ length: 10 }, () => sendAs(enroll(), w, { body: { email: 'twice@example.com', enrollment_code: code } })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(await getCode(w.tenantId, code)).toMatchObject({ status: 'redeemed', email: 'twice@example.com' });
    const after = await snapshot(w, {}, ['enrollment']);
    expect(Object.keys(after.items).filter((k) => k.includes('twice@example.com'))).toHaveLength(1);
    invariant(3);
  });
});

describe('a late cancel or restore retried with its Idempotency-Key', () => {
  it('replays the first answer and does not unenroll the user who enrolled with the code in between', async () => {
    const code = w.enrollment.codes[2]!;
    const status = ep('enrollmentCodeStatus');
    await sendAs(ep('enrollUserWithCode'), w, { body: { email: 'first@example.com', enrollment_code: code } });
    const key = `restore-${randomUUID()}`;
    const restore = { body: { enrollment_code: code, action: 'restore' } };
    const first = await sendAs(status, w, restore, key);
    expect(first.statusCode).toBe(200);
    // Another user redeems the restored code; then the first request's retry arrives.
    const second = await sendAs(ep('enrollUserWithCode'), w, { body: { email: 'second@example.com', enrollment_code: code } });
    expect(second.statusCode).toBe(200);
    const late = await sendAs(status, w, restore, key);
    expect({ statusCode: late.statusCode, headers: late.headers, body: late.body }).toEqual({ statusCode: first.statusCode, headers: first.headers, body: first.body });
    expect(await getCode(w.tenantId, code)).toMatchObject({ status: 'redeemed', email: 'second@example.com' });
    invariant(2);
  });
});

/** The account as charging sees it (not the claim and its count). */
async function balances(tenantId: string) {
  const account = await getAccount(tenantId);
  return account && { unitsAvailable: account.unitsAvailable, unitsUsed: account.unitsUsed, unitsOwed: account.unitsOwed, assigned: account.assigned, claim: account.claim };
}

describe('assign_units owing extra payment', () => {
  it('retried with its key: the same {"extra_payment"} answer and nothing charged again', async () => {
    const v = await world('natural-owe', { balance: 1, extraPayment: true, inventoryUnits: 0, codes: 0 });
    const assign = ep('assignUnits');
    const body = { course_codes: [v.units.codes[0]!], login_ids: [1, 2, 3] };
    const key = `assign-${randomUUID()}`;
    const first = await sendAs(assign, v, { body }, key);
    expect([first.statusCode, first.json]).toEqual([200, { extra_payment: '2' }]);
    const before = await snapshot(v, {}, ['units']);
    const balanceBefore = await balances(v.tenantId);
    const again = await sendAs(assign, v, { body }, key);
    expect({ statusCode: again.statusCode, headers: again.headers, body: again.body }).toEqual({ statusCode: first.statusCode, headers: first.headers, body: first.body });
    expect(changes(before, await snapshot(v, {}, ['units']))).toEqual([]);
    // Without the key the contract's answer for a repeat that commits nothing: {} (README).
    const bare = await sendAs(assign, v, { body });
    expect([bare.statusCode, bare.json]).toEqual([200, {}]);
    // Nothing charged or assigned again (the domain logs the empty operation in its ledger, and
    // the account counts one more operation that took the claim: lock_count).
    expect(changes(before, await snapshot(v, {}, ['units'])).filter((k) => !k.includes('#LEDGER') && !k.includes('#ACCOUNT'))).toEqual([]);
    expect(await balances(v.tenantId)).toEqual(balanceBefore);
    invariant(4);
  });
});

describe('form-encoded quantities', () => {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const unit = () => ({ part_id: String(w.inventory.partId), id: String(w.inventory.unitIds[1]) });

  it('+5 in a form body (a space after decoding) is 422 telling to send %2B5, on adjust, create and split; nothing changes', async () => {
    const before = await snapshot(w, {}, ['inventory']);
    const cases: [string, Input][] = [
      ['adjustInventoryUnitQuantity', { params: unit(), body: 'inventory_unit[quantity]=+5', headers: form }],
      ['adjustInventoryUnitQuantity', { params: unit(), body: 'quantity=5+', headers: form }],
      ['createInventoryUnit', { params: { part_id: String(w.inventory.partId) }, body: 'inventory_unit[inventory_sublocation_id]=1&inventory_unit[unit_id]=1&inventory_unit[quantity]=+5', headers: form }],
      ['splitInventoryUnit', { params: unit(), body: 'inventory_unit[quantity]=+1&inventory_unit[inventory_sublocation_id]=2', headers: form }],
      // Bracket params in the query string are form-encoded too.
      ['adjustInventoryUnitQuantity', { params: unit(), query: { 'inventory_unit[quantity]': ' 5' } }],
    ];
    for (const [name, input] of cases) {
      const res = await sendAs(ep(name), w, input);
      expect(res.statusCode, `${name} ${JSON.stringify(input.body ?? input.query)}`).toBe(422);
      expect((res.json as { errors: string[] }).errors[0]).toMatch(/^quantity .*%2B5/);
      invariant();
    }
    expect(changes(before, await snapshot(w, {}, ['inventory']))).toEqual([]);
  });

  it('%2B5 in a form adds 5; JSON and XML are unchanged (" 5" in JSON still sets 5, "+5" adds)', async () => {
    const adjust = ep('adjustInventoryUnitQuantity');
    const qty = async () => Number((((await sendAs(ep('showInventoryUnit'), w, { params: unit() })).json) as { inventory_unit: { quantity: string } }).inventory_unit.quantity);
    const start = await qty();
    expect((await sendAs(adjust, w, { params: unit(), body: 'inventory_unit[quantity]=%2B5', headers: form })).statusCode).toBe(200);
    expect(await qty()).toBe(start + 5);
    expect((await sendAs(adjust, w, { params: unit(), body: { inventory_unit: { quantity: '+5' } } })).statusCode).toBe(200);
    expect(await qty()).toBe(start + 10);
    expect((await sendAs(adjust, w, { params: unit(), body: { inventory_unit: { quantity: ' 5' } } })).statusCode).toBe(200);
    expect(await qty()).toBe(5);
    const xml = '<inventory_unit><quantity>+2</quantity></inventory_unit>';
    expect((await sendAs(adjust, w, { params: unit(), body: xml, headers: { 'Content-Type': 'application/xml' } })).statusCode).toBe(200);
    expect(await qty()).toBe(7);
    invariant(4);
  });
});
