/** Show one unit (SPEC 5.2): one GetItem, plus the tenant's currency (cached). */
import { currencyOf } from './currency';
import { renderUnit } from './model';
import { ownedUnit } from './unit-change';

export async function showUnit(tenantId: string, partId: number, id: number): Promise<Record<string, unknown>> {
  const [unit, currency] = await Promise.all([ownedUnit(tenantId, partId, id), currencyOf(tenantId)]);
  return renderUnit(unit, currency);
}
