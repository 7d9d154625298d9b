/** Grants of units to an account (the admin CLI). */
import { ChangedMeanwhile, retryChanged } from '../db/refusals';
import { withRetry } from '../db/retry';
import { ServiceUnavailableError, ValidationError } from '../errors';
import { planGrant } from './balance';
import { getAccount, updateBalanceForGrant } from './repository';

/**
 * Adds `units` to a tenant's account: owed units are paid off first.
 * Optimistic on units_owed, which a commit may raise at the same moment.
 */
export async function grantUnits(tenantId: string, units: number): Promise<{ paidOwed: number; added: number }> {
  if (!Number.isSafeInteger(units) || units <= 0) throw new ValidationError('units must be a positive integer');
  // No pause: a refused update means units_owed moved, and the re-read sees where to.
  return withRetry(async () => {
    const owed = (await getAccount(tenantId))?.unitsOwed ?? 0;
    const { payOwed, addAvailable } = planGrant(owed, units);
    if (await updateBalanceForGrant(tenantId, owed, owed - payOwed, addAvailable)) {
      return { paidOwed: payOwed, added: addAvailable };
    }
    throw new ChangedMeanwhile();
  }, { ...retryChanged, pause: false, onExhausted: () => new ServiceUnavailableError() });
}
