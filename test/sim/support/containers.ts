/**
 * The simulation's Lambda containers: separately loaded copies of every handler of
 * serverless.yml (scripts/functions.ts), each copy with its own module state (DynamoDB client,
 * credential cache, the inventory's in-process queue), as test/reliability/support/containers.ts
 * does. Each copy's client gets the interposer and each copy's lib/db/retry.ts the virtual
 * sleep, so every call and pause of every container is a scheduling point.
 */
import { vi } from 'vitest';
import type { Context } from 'aws-lambda';
import { listFunctions } from '../../../scripts/functions';
import type { HttpEvent } from '../../../lib/http/event';
import type { HttpResult } from '../../../lib/http/handler';
import { installInterposer, virtualSleep } from './runtime';

export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
export type JobHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface Container {
  http: Record<string, HttpHandler>;
  jobs: Record<string, JobHandler>;
  /** Domain functions without an endpoint: the admin CLI's grant (scripts/admin.ts). */
  lib: { grantUnits: (typeof import('../../../lib/units/grant'))['grantUnits'] };
}

/** The POST/PUT functions of serverless.yml (the token endpoint aside: it writes no domain data). */
export function writeFunctions(): string[] {
  return listFunctions()
    .filter((f) => f.routes.some((r) => r.method === 'POST' || r.method === 'PUT') && f.name !== 'accessToken')
    .map((f) => f.name);
}

/** The scheduled functions of serverless.yml. */
export function jobFunctions(): string[] {
  return listFunctions()
    .filter((f) => f.schedules.length > 0)
    .map((f) => f.name);
}

export async function loadContainers(count: number): Promise<Container[]> {
  const functions = listFunctions().filter((f) => f.routes.length > 0 || f.schedules.length > 0);
  const out: Container[] = [];
  for (let i = 0; i < count; i++) {
    vi.resetModules();
    const grant = (await import('../../../lib/units/grant')) as typeof import('../../../lib/units/grant');
    const container: Container = { http: {}, jobs: {}, lib: { grantUnits: grant.grantUnits } };
    for (const f of functions) {
      const handler = ((await import(f.sourcePath)) as Record<string, unknown>)[f.exportName];
      if (f.schedules.length > 0) container.jobs[f.name] = handler as JobHandler;
      else container.http[f.name] = handler as HttpHandler;
    }
    // The same module registry as the handlers just loaded: this container's copies.
    const client = (await import('../../../lib/db/client')) as typeof import('../../../lib/db/client');
    const retry = (await import('../../../lib/db/retry')) as typeof import('../../../lib/db/retry');
    installInterposer(client.rawDb());
    retry.timers.sleep = virtualSleep;
    out.push(container);
  }
  vi.resetModules();
  return out;
}
