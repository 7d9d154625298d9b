/** Adjust a unit's quantity (absolute, or relative with a sign) or consume from it, logged. */
import { ValidationError } from '../errors';
import { currencyOf } from './currency';
import { addDecimals, compareDecimals, withinLimits } from './decimal';
import { labelResolver } from './labels';
import { renderUnit } from './model';
import { allocateIds } from './repository';
import { allInOrder, changeUnit, changingUnit, early, ownedUnit } from './unit-change';

export interface AdjustInput {
  quantity: { relative: boolean; value: string };
  adjustment_type: 'adjust' | 'consume';
  comment: string | null;
}

/** `quantity` is the new quantity, or a change when relative; a consume may only lower it. */
export async function adjustQuantity(
  tenantId: string,
  partId: number,
  id: number,
  input: AdjustInput,
): Promise<Record<string, unknown>> {
  const labels = labelResolver(tenantId);
  // Read before the commit, never after: once the change is written nothing may fail the answer
  // (a retry with the same Idempotency-Key would apply it again).
  const currency = early(currencyOf(tenantId));
  const unit = await changingUnit(tenantId, id, async () => {
    // The unit and a log entry id in one round trip (an attempt that fails leaves an unused id, which is harmless).
    const [before, ids] = await allInOrder([ownedUnit(tenantId, partId, id), allocateIds(tenantId, { record: 1 }), currency]);
    const quantity = input.quantity.relative ? addDecimals(before.quantity, input.quantity.value) : input.quantity.value;
    if (compareDecimals(quantity, '0') < 0) throw new ValidationError('quantity must be greater than or equal to 0');
    if (!withinLimits(quantity)) throw new ValidationError('quantity is too large');
    if (input.adjustment_type === 'consume' && compareDecimals(quantity, before.quantity) >= 0) {
      throw new ValidationError('quantity must be lower than the current quantity when consuming');
    }
    // The log entry keeps the place's name as it is now (labels.ts; cached when warm).
    const inventory_location = await labels.label(before.inventory_sublocation_id, before.inventory_location);
    return changeUnit(tenantId, before, ids.record[0]!, { record_type: input.adjustment_type, comment: input.comment, quantity, inventory_location });
  });
  return renderUnit(unit, await currency);
}
