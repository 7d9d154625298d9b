/**
 * Split and adjust are atomic: a crowd of concurrent writers on one unit never loses or
 * creates stock, and the unit's log accounts for every change in commit order.
 *
 * The writers are spread over ten separately loaded copies of the handlers, like ten Lambda
 * containers: within one process writers on a unit queue up (an optimisation), so only
 * separate instances make DynamoDB's conditions decide between them, which is the point.
 */
import { describe, expect, it, vi } from 'vitest';
import { addDecimals, compareDecimals } from '../../../lib/inventory/decimal';
import { inventoryTenant } from './fixture';

type Unit = { id: number; quantity: number };
type LogEntry = { record_type: string; quantity_change: number; quantity_after: number };

async function container() {
  vi.resetModules();
  return {
    split: (await import('../../../functions/inventory/split')).handler,
    adjust: (await import('../../../functions/inventory/adjust-quantity')).handler,
  };
}

describe('50 concurrent splits and adjusts on one unit', () => {
  it('keep the total stock equal to the start plus the logged adjustments, never negative', async () => {
    const t = await inventoryTenant();
    const unit = await t.createUnit({ quantity: 100 });
    const containers: Awaited<ReturnType<typeof container>>[] = [];
    for (let i = 0; i < 10; i++) containers.push(await container());
    const id = unit.id as number;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const c = containers[i % 10]!;
        return i % 5 === 0
          ? t.send('adjust', { part_id: 1, id, body: { quantity: '+0.1' } }, c.adjust)
          : t.send('split', { part_id: 1, id, body: { quantity: 5, inventory_sublocation_id: 2 } }, c.split);
      }),
    );

    // Every request either committed or was refused by a split rule because too little was left.
    for (const res of results) {
      if (res.statusCode === 200) continue;
      expect(res.statusCode).toBe(422);
      expect((res.json as { errors: string[] }).errors[0]).toMatch(
        /^Quantity (must be less than|can't be greater than) the quantity available\.$/,
      );
    }
    const adjusted = results.filter((r, i) => i % 5 === 0 && r.statusCode === 200).length;
    const splits = results.filter((r, i) => i % 5 !== 0 && r.statusCode === 200).length;
    expect(adjusted).toBe(10); // a relative increase is never refused

    const list = await t.send('listByPart', { part_id: 1, query: 'per_page=100' });
    const units = (list.json as { inventory_units: Unit[] }).inventory_units;
    expect(units).toHaveLength(1 + splits);
    // Stock is conserved exactly: 100 + 10 × 0.1, in decimal arithmetic.
    expect(units.reduce((sum, u) => addDecimals(sum, String(u.quantity)), '0')).toBe('101');
    for (const u of units) expect(compareDecimals(String(u.quantity), '0')).toBeGreaterThan(0);
    // Splits stop only when what is left cannot give 5 and keep some: at most 5 remains.
    expect(compareDecimals(String(units.find((u) => u.id === id)!.quantity), '6')).toBeLessThan(0);

    // The original's log replays to its final quantity, one committed change after another.
    const log = ((await t.send('records', { part_id: 1, id })).json as { inventory_records: LogEntry[] })
      .inventory_records;
    expect(log).toHaveLength(1 + adjusted + splits);
    let running = '0';
    for (const entry of log) {
      running = addDecimals(running, String(entry.quantity_change));
      expect(String(entry.quantity_after)).toBe(running);
    }
    expect(running).toBe(String(units.find((u) => u.id === id)!.quantity));
  });
});
