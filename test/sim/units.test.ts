/**
 * The simulation over units (test/sim/README.md): assign, the login and course writes and the
 * reconcile job, in combinations covering every pair, under scheduled interleavings, faults,
 * crashes and clock jumps; the invariants of docs/RELIABILITY.md are checked after every run.
 */
import { simSuite } from './support/suite';
import { unitsSurface } from './support/units';

simSuite(unitsSurface, 2);
