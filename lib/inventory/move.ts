/** Move a unit to another sublocation (and bin), logged. */
import { currencyOf } from './currency';
import { labelResolver } from './labels';
import { renderUnit } from './model';
import { allocateIds } from './repository';
import { allInOrder, changeUnit, changingUnit, early, existingSublocation, ownedUnit } from './unit-change';

export interface MoveInput {
  inventory_sublocation_id: number;
  sublocation_bin: string | null;
  comment: string | null;
}

/** To another sublocation; the bin is the one given, or none. */
export async function moveUnit(tenantId: string, partId: number, id: number, input: MoveInput): Promise<Record<string, unknown>> {
  const [sublocationLookup, currency, targetLabel] = [
    early(existingSublocation(tenantId, input.inventory_sublocation_id)),
    early(currencyOf(tenantId)),
    // The new place's current label (labels.ts), with the first reads.
    early(labelResolver(tenantId).labels([input.inventory_sublocation_id])),
  ];
  const unit = await changingUnit(tenantId, id, async () => {
    // In argument order: an unknown unit is a 404 before a bad sublocation is a 422.
    // The currency too: read before the commit, so nothing after it can fail the answer.
    const [before, sublocation, ids] = await allInOrder([
      ownedUnit(tenantId, partId, id),
      sublocationLookup,
      allocateIds(tenantId, { record: 1 }),
      currency,
    ]);
    return changeUnit(tenantId, before, ids.record[0]!, {
      record_type: 'move',
      comment: input.comment,
      inventory_sublocation_id: sublocation.id,
      inventory_location: (await targetLabel).get(sublocation.id) ?? sublocation.label,
      sublocation_bin: input.sublocation_bin,
    });
  });
  return renderUnit(unit, await currency);
}
