/** Update a unit's editable fields: read, then one transaction conditioned on the version read. */
import { currencyOf } from './currency';
import { labelResolver, withCurrentLabels } from './labels';
import { renderUnit, timestamp } from './model';
import { commitUnitWrites } from './repository-writes';
import type { EditableFields } from './body-schemas';
import { changingUnit, early, ownedUnit } from './unit-change';

/** Sets the given editable fields; a request that changes nothing writes nothing. */
export async function updateUnit(
  tenantId: string,
  partId: number,
  id: number,
  fields: EditableFields,
): Promise<Record<string, unknown>> {
  const labels = labelResolver(tenantId);
  // The currency and the place's current label are read before the commit, never after: once the
  // change is written nothing may fail the answer (a retry with the same Idempotency-Key would
  // run it again).
  const currency = early(currencyOf(tenantId));
  const unit = await changingUnit(tenantId, id, async () => {
    const before = await ownedUnit(tenantId, partId, id);
    const changes = Object.entries(fields).filter(
      ([key, value]) => value !== undefined && before[key as keyof EditableFields] !== value,
    );
    // No log entry here: the label is only rendered as it is now (labels.ts).
    const [current] = await withCurrentLabels(labels, [before]);
    await currency;
    if (changes.length === 0) return current!;
    const after = { ...before, ...Object.fromEntries(changes), updated_at: timestamp(), version: before.version + 1 };
    await commitUnitWrites(tenantId, [{ before, after }]);
    return { ...after, inventory_location: current!.inventory_location };
  });
  return renderUnit(unit, await currency);
}
