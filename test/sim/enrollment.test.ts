/**
 * The simulation over enrollment (test/sim/README.md): generate, enroll, cancel/restore, the
 * course writes, the expiry and reconcile jobs, every pair together.
 */
import { enrollmentSurface } from './support/enrollment';
import { simSuite } from './support/suite';

simSuite(enrollmentSurface, {
  runs: 1,
  focus: [
    ['enrollUserWithCode', 'enrollUserWithCode', 'enrollmentCodeStatus'],
    ['enrollUserWithCode', 'enrollmentCodeStatus', 'reconcile'],
  ],
  focusRuns: 8,
});
