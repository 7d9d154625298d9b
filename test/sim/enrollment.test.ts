/**
 * The simulation over enrollment (test/sim/README.md): generate, enroll, cancel/restore, the
 * course writes, the expiry and reconcile jobs, in combinations covering every pair.
 */
import { enrollmentSurface } from './support/enrollment';
import { simSuite } from './support/suite';

simSuite(enrollmentSurface, 2);
