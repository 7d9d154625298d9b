/**
 * The simulation over units (test/sim/README.md): assign, the login and course writes, the
 * admin grant and the reconcile job, every pair together, under scheduled interleavings,
 * faults, crashes and clock jumps; the invariants of docs/RELIABILITY.md after every run.
 */
import { simSuite } from './support/suite';
import { unitsSurface } from './support/units';

simSuite(unitsSurface, {
  runs: 1,
  focus: [
    ['assignUnits', 'assignUnits', 'assignUnits'],
    ['assignUnits', 'grantUnits', 'assignUnits'],
  ],
  focusRuns: 20,
});
