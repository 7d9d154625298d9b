/** Prototype pollution checks: the built-in prototypes keep exactly the properties they had. */
import { expect } from 'vitest';
import { invariant } from './counts';

const baseline = {
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  function: Object.getOwnPropertyNames(Function.prototype).sort(),
};

export function expectPrototypesClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baseline.object);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(baseline.array);
  expect(Object.getOwnPropertyNames(Function.prototype).sort()).toEqual(baseline.function);
  expect((({}) as Record<string, unknown>).polluted).toBeUndefined();
  invariant();
}
