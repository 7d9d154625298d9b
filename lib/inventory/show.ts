/** Show one unit (SPEC 5.2): one GetItem, the labels version beside it, plus the tenant's currency (cached). */
import { currencyOf } from './currency';
import { labelResolver, withCurrentLabels } from './labels';
import { renderUnit } from './model';
import { ownedUnit } from './unit-change';

export async function showUnit(tenantId: string, partId: number, id: number): Promise<Record<string, unknown>> {
  const labels = labelResolver(tenantId);
  const [unit, currency] = await Promise.all([ownedUnit(tenantId, partId, id), currencyOf(tenantId)]);
  const [current] = await withCurrentLabels(labels, [unit]);
  return renderUnit(current!, currency);
}
