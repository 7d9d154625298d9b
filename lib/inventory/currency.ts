/** The tenant's currency, on every unit in every response. */
import { getTenant } from '../auth/credentials';

// It almost never changes: remember it briefly per warm Lambda.
const currencyCache = new Map<string, { currency: string; at: number }>();
const CURRENCY_TTL_MS = 60_000;

export async function currencyOf(tenantId: string): Promise<string> {
  const hit = currencyCache.get(tenantId);
  if (hit && Date.now() - hit.at < CURRENCY_TTL_MS) return hit.currency;
  const currency = (await getTenant(tenantId))?.currency ?? 'USD';
  if (currencyCache.size > 1000) currencyCache.clear();
  currencyCache.set(tenantId, { currency, at: Date.now() });
  return currency;
}
