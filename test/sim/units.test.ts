/**
 * The simulation over units (test/sim/README.md): assign, the login and course writes, the
 * admin grant and the reconcile job, every pair together, under scheduled interleavings,
 * faults, crashes and clock jumps; the invariants of docs/RELIABILITY.md after every run.
 */
import fc from 'fast-check';
import { simSuite } from './support/suite';
import { unitsSurface } from './support/units';

simSuite(unitsSurface, {
  runs: 1,
  focus: [
    ['assignUnits', 'assignUnits', 'assignUnits'],
    ['assignUnits', 'grantUnits', 'assignUnits'],
    {
      // The bucket fence: a large assign's bucket write (its 4th-6th write, after the claim, the
      // journal and a lease renewal) delivered 8 s late, after its lease lapsed and the other
      // assign recovered the operation (undone, buckets fenced): the late write must not land.
      name: 'bucket fence',
      combo: ['assignUnits', 'assignUnits'],
      target: 0,
      faults: fc.tuple(fc.record({ of: fc.constant<'write'>('write'), nth: fc.integer({ min: 3, max: 5 }), kind: fc.constant<'stall'>('stall') })),
      // The second assign arrives once the first holds the claim.
      delays: fc.tuple(fc.constant(0), fc.integer({ min: 8, max: 14 })),
      noJumps: true,
      runs: 12,
    },
    {
      // The balance check of the commit: grants landing between an assign's read of the balance
      // and its commit (no faults needed, only the order): the charge must see the new balance.
      name: 'balance check',
      combo: ['assignUnits', 'grantUnits', 'grantUnits'],
      target: 0,
      faults: fc.constant([]),
      delays: fc.tuple(fc.constant(0), fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: 10 })),
      noJumps: true,
      runs: 10,
    },
  ],
  focusRuns: 8,
});
