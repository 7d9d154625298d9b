/**
 * The simulation over inventory (test/sim/README.md): the unit writes with the reference
 * writes that change a unit's labels, and the reference writes among themselves, each pair
 * in at least one combination.
 */
import { inventoryReferenceGroup, inventorySurface, inventoryUnitGroup } from './support/inventory';
import { simSuite } from './support/suite';

simSuite(inventorySurface, 2, [inventoryUnitGroup, inventoryReferenceGroup]);
