/** The money rules as pure functions. */
import { describe, expect, it } from 'vitest';
import { planCharge, planGrant } from '../../../lib/units/balance';

describe('planCharge', () => {
  it('takes the whole cost when the balance covers it, with or without extra payment', () => {
    expect(planCharge({ unitsAvailable: 10, extraPayment: false }, 10)).toEqual({ take: 10, owe: 0 });
    expect(planCharge({ unitsAvailable: 10, extraPayment: true }, 4)).toEqual({ take: 4, owe: 0 });
    expect(planCharge({ unitsAvailable: 0, extraPayment: false }, 0)).toEqual({ take: 0, owe: 0 });
  });

  it('takes the balance and owes the shortfall when extra payment is allowed', () => {
    expect(planCharge({ unitsAvailable: 5, extraPayment: true }, 7)).toEqual({ take: 5, owe: 2 });
    expect(planCharge({ unitsAvailable: 0, extraPayment: true }, 3)).toEqual({ take: 0, owe: 3 });
  });

  it('refuses when it is not', () => {
    expect(planCharge({ unitsAvailable: 5, extraPayment: false }, 6)).toBeUndefined();
  });
});

describe('planGrant', () => {
  it('pays off owed units before adding to the balance', () => {
    expect(planGrant(7, 10)).toEqual({ payOwed: 7, addAvailable: 3 });
    expect(planGrant(7, 4)).toEqual({ payOwed: 4, addAvailable: 0 });
    expect(planGrant(0, 4)).toEqual({ payOwed: 0, addAvailable: 4 });
  });
});
