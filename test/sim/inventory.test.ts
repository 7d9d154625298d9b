/**
 * The simulation over inventory (test/sim/README.md): the unit writes with the reference
 * writes that change a unit's labels, and the reference writes among themselves, each pair
 * together.
 */
import { inventoryReferenceGroup, inventorySurface, inventoryUnitGroup } from './support/inventory';
import { simSuite } from './support/suite';

simSuite(inventorySurface, {
  runs: 1,
  groups: [inventoryUnitGroup, inventoryReferenceGroup],
  focus: [
    ['createInventoryUnit', 'splitInventoryUnit', 'createInventoryUnit'],
    ['adjustInventoryUnitQuantity', 'splitInventoryUnit', 'moveInventoryUnit'],
  ],
  focusRuns: 6,
  regressions: [
    // At length (npm run sim -- --runs 10000, stop 21): a keyed adjust whose key lease lapsed
    // mid-request committed after its retry had taken the key over (lib/db/writes.ts deadline).
    { combo: ['adjustInventoryUnitQuantity', 'adjustInventoryUnitQuantity', 'adjustInventoryUnitQuantity'], seed: 1135670460, path: '95' },
  ],
});
