/**
 * The simulation covers every write: each POST/PUT function of serverless.yml and each job is
 * an operation of some surface's simulation, and the combinations run pair every operation
 * with every operation of its group (itself included), so a new write path without a
 * simulation operation fails here.
 */
import { describe, expect, it } from 'vitest';
import { jobFunctions, writeFunctions } from './support/containers';
import { enrollmentSurface } from './support/enrollment';
import { inventoryReferenceGroup, inventorySurface, inventoryUnitGroup } from './support/inventory';
import { combos } from './support/sim';
import { unitsSurface } from './support/units';
import { webhooksSurface } from './support/webhooks';

const groups = [
  Object.keys(unitsSurface.ops),
  Object.keys(enrollmentSurface.ops),
  inventoryUnitGroup,
  inventoryReferenceGroup,
  Object.keys(webhooksSurface.ops),
];

describe('sim coverage', () => {
  it('every POST/PUT function and every job of serverless.yml is an operation of the simulation', () => {
    const covered = new Set([...Object.keys(unitsSurface.ops), ...Object.keys(enrollmentSurface.ops), ...Object.keys(inventorySurface.ops), ...Object.keys(webhooksSurface.ops)]);
    const functions = [...writeFunctions(), ...jobFunctions()];
    expect(functions.length).toBeGreaterThan(20);
    expect(functions.filter((f) => !covered.has(f))).toEqual([]);
    expect(Object.keys(inventorySurface.ops).filter((f) => ![...inventoryUnitGroup, ...inventoryReferenceGroup].includes(f))).toEqual([]);
  });

  it('the combinations run every pair of a group together, an operation with itself included', () => {
    for (const group of groups) {
      const runTogether = new Set(combos(group).flatMap((c) => c.flatMap((a, i) => c.slice(i + 1).map((b) => [a, b].sort().join('|')))));
      for (const a of group) for (const b of group) expect(runTogether.has([a, b].sort().join('|')), `${a} with ${b}`).toBe(true);
    }
  });
});
