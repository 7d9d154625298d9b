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
});
