/**
 * The money rules of SPEC 5.1, as pure functions. Units are whole numbers.
 * Owed units are a debt: a later grant pays them off before it adds to the balance.
 */

export interface Charge {
  /** Taken from units_available. */
  take: number;
  /** Recorded as owed (extra payment): the shortfall. */
  owe: number;
}

/** How `cost` is paid, or undefined when it cannot be (not enough units, no extra payment). */
export function planCharge(account: { unitsAvailable: number; extraPayment: boolean }, cost: number): Charge | undefined {
  if (cost <= account.unitsAvailable) return { take: cost, owe: 0 };
  if (!account.extraPayment) return undefined;
  return { take: account.unitsAvailable, owe: cost - account.unitsAvailable };
}

/** A grant of `units` pays off what is owed first; the rest becomes available. */
export function planGrant(owed: number, units: number): { payOwed: number; addAvailable: number } {
  const payOwed = Math.min(owed, units);
  return { payOwed, addAvailable: units - payOwed };
}

export const notEnoughUnits = 'You do not have enough units to complete this operation';
