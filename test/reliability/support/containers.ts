/**
 * Separately loaded copies of handlers, like separate Lambda containers: each copy has its
 * own module state (DynamoDB client, credential cache, the inventory's in-process per-unit
 * queue), so concurrent requests spread over them are decided by DynamoDB's conditions and
 * transactions alone, as in production.
 */
import { vi } from 'vitest';
import { findFunction } from '../../../scripts/functions';
import type { Handler } from './endpoints';

export async function containers<N extends string>(count: number, functions: readonly N[]): Promise<Record<N, Handler>[]> {
  const out: Record<N, Handler>[] = [];
  for (let i = 0; i < count; i++) {
    vi.resetModules();
    const copy = {} as Record<N, Handler>;
    for (const name of functions) {
      const def = findFunction(name);
      copy[name] = ((await import(def.sourcePath)) as Record<string, Handler>)[def.exportName]!;
    }
    out.push(copy);
  }
  return out;
}
