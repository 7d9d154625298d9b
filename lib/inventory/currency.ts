/** The tenant's currency, on every unit in every response. */
import { getTenant } from '../tenants/repository';
import { warmCache } from '../warm-cache';

// It almost never changes: remember it for a minute per warm Lambda.
const currencies = warmCache<string>({ ttlMs: 60_000 });

export async function currencyOf(tenantId: string): Promise<string> {
  const hit = currencies.get(tenantId);
  if (hit !== undefined) return hit;
  const currency = (await getTenant(tenantId))?.currency ?? 'USD';
  currencies.set(tenantId, currency);
  return currency;
}

/** Forgets a tenant's currency (tests and the capacity scenarios: the next read fills the cache afresh). */
export function forgetCurrency(tenantId: string): void {
  currencies.delete(tenantId);
}
