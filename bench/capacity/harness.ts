/**
 * What a capacity scenario is and how one is measured: the scenario prepares its data (direct
 * writes, not counted), then sends ONE call through the exported handler of a serverless.yml
 * function while the meter counts every DynamoDB request. A CPU run without the meter (the meter
 * and its shadow reads cost CPU too) gives the handler's CPU time.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../lib/http/event';
import type { HttpResult } from '../../lib/http/handler';
import { findFunction } from '../../scripts/functions';
import { lambdaContext } from '../../scripts/lambda-context';
import { readServerlessYaml, repoRoot } from '../../scripts/serverless-yml';
import { buildEvent, type RequestSpec } from '../../test/helpers/http';
import type { Call } from '../../test/helpers/iam';
import type { Meter, RequestRecord } from './meter';

export interface Scenario<F = unknown> {
  name: string;
  /** serverless.yml name of the function called */
  fn: string;
  /** runs inside npm test (test/bench/capacity-budget.test.ts): small data, seconds */
  small: boolean;
  /** what the scenario does, in a few words */
  note: string;
  /** Builds the data one call needs (not metered). Called again for the CPU run unless `reusable`. */
  prepare(): Promise<F>;
  /** The one call: an HTTP request or a job invocation. */
  call(fixture: F): Invocation;
  /**
   * Fills the per-process caches a warm Lambda has for this client (credential, tenant
   * currency) before the metered call, so counts do not depend on what ran before.
   */
  warm?(fixture: F): Promise<void>;
  /** the call changes nothing the next call depends on (reads): one fixture serves both runs */
  reusable?: boolean;
  /** what a careful design must at least spend (docs/PERFORMANCE.md) */
  minimum?: { requests: number; rounds: number; rcu: number; wru: number; why: string };
}

/** `lambda`: a stream or queue function's own event (the integration events' functions); 200 when no batch item failed. */
export type Invocation = { http: RequestSpec } | { job: true } | { lambda: unknown };

export interface Measured {
  records: RequestRecord[];
  /** the window's requests as IAM sees them (Meter.calls) */
  calls: Call[];
  status: number | 'timeout' | 'error';
  detail?: string;
  wallMs: number;
  peakInFlight: number;
  late: number;
  meterErrors: string[];
}

type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
type JobHandler = (event: unknown, context: Context) => Promise<unknown>;

const handlers = new Map<string, Promise<HttpHandler & JobHandler>>();

function handlerOf(fn: string): Promise<HttpHandler & JobHandler> {
  let found = handlers.get(fn);
  if (!found) {
    // as deployed: code that sizes its deadlines for Lambda (lib/units) reads this at import
    process.env.AWS_LAMBDA_FUNCTION_NAME ??= `allot-capacity-${fn}`;
    const def = findFunction(fn);
    found = import(def.sourcePath).then((m: Record<string, unknown>) => m[def.exportName] as HttpHandler & JobHandler);
    handlers.set(fn, found);
  }
  return found;
}

/** Lambda timeout of a function (seconds): its own `timeout`, else the provider's. */
function functionSetting(fn: string, key: 'timeout' | 'memorySize'): number {
  const provider = readServerlessYaml().provider as Record<string, unknown>;
  const dir = resolve(repoRoot, 'functions');
  for (const surface of readdirSync(dir)) {
    try {
      const defs = readServerlessYaml(resolve(dir, surface, 'functions.yml')) as Record<string, Record<string, unknown>>;
      if (defs[fn]?.[key] !== undefined) return Number(defs[fn][key]);
    } catch {
      // a surface without functions.yml
    }
  }
  return Number(provider[key] ?? (key === 'timeout' ? 6 : 1024));
}

export const memoryOf = (fn: string) => functionSetting(fn, 'memorySize');

/** Lambda time given to a job in a scenario (its real timeout is minutes). */
export const jobBudgetMs = 45_000;

/** Calls the handler once; resolves with the HTTP status (or the job's completion). */
async function invoke(fn: string, invocation: Invocation): Promise<{ status: number; detail?: string }> {
  const handler = await handlerOf(fn);
  // A job plans its work by the time it has left: give it no more than the scenario's cap. An
  // HTTP handler that checks its remaining time must not turn DynamoDB Local's slowness (many
  // times DynamoDB's on a busy machine) into a refused call here: the counts are what matter.
  const timeoutMs = functionSetting(fn, 'timeout') * 1000;
  const context = lambdaContext(fn, 'job' in invocation ? Math.min(timeoutMs, jobBudgetMs) : timeoutMs * 20);
  if ('job' in invocation) {
    const summary = await handler({}, context);
    return { status: 200, detail: JSON.stringify(summary).slice(0, 300) };
  }
  if ('lambda' in invocation) {
    const result = (await handler(invocation.lambda, context)) as { batchItemFailures?: unknown[] };
    const failed = result.batchItemFailures?.length ?? 0;
    return { status: failed ? 500 : 200, ...(failed ? { detail: JSON.stringify(result).slice(0, 200) } : {}) };
  }
  const result = await handler(buildEvent(invocation.http), context);
  return { status: result.statusCode, ...(result.statusCode >= 400 ? { detail: result.body.slice(0, 200) } : {}) };
}

/** A call outside any metering window (preparing a scenario): its status, and the body when it failed. */
export async function invokeUnmetered(fn: string, invocation: Invocation): Promise<string> {
  const { status, detail } = await invoke(fn, invocation);
  return detail && status >= 400 ? `${status} ${detail}` : String(status);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * One metered call, capped at `capMs` (a handler that never answers becomes `timeout`). After the
 * answer, requests the handler left running (middy answers 503 at the Lambda deadline while work
 * carries on) are waited for, up to `drainMs`, and counted: they are spent all the same.
 */
export async function measure(meter: Meter, scenario: Scenario, fixture: unknown, capMs: number, drainMs = 30_000): Promise<Measured> {
  await scenario.warm?.(fixture);
  meter.open();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, meter.inFlight)), 1);
  const started = performance.now();
  let outcome: { status: Measured['status']; detail?: string };
  let timer: NodeJS.Timeout | undefined;
  try {
    outcome = await Promise.race([
      invoke(scenario.fn, scenario.call(fixture)),
      new Promise<{ status: 'timeout' }>((done) => (timer = setTimeout(() => done({ status: 'timeout' }), capMs))),
    ]);
  } catch (err) {
    outcome = { status: 'error', detail: (err as Error).message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
  const wallMs = performance.now() - started;
  await drain(meter, drainMs);
  clearInterval(sampler);
  const records = meter.close();
  return { records, calls: [...meter.calls], ...outcome, wallMs, peakInFlight: Math.max(peak, peakOf(records)), late: meter.late, meterErrors: meter.meterErrors };
}

/** Waits until no request is in flight: a handler that answered early may still be working. */
export async function drain(meter: Meter, maxMs: number): Promise<void> {
  for (const until = Date.now() + maxMs; meter.inFlight > 0 && Date.now() < until; ) await sleep(20);
}

/** Handler CPU (user + system, ms) of one unmetered call. */
export async function cpuOf(scenario: Scenario, fixture: unknown, capMs: number): Promise<number | undefined> {
  const before = process.cpuUsage();
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    invoke(scenario.fn, scenario.call(fixture)).then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), capMs))),
  ]);
  clearTimeout(timer);
  const used = process.cpuUsage(before);
  return done ? (used.user + used.system) / 1000 : undefined;
}

/** Most requests in flight at once, from the records' intervals. */
export function peakOf(records: RequestRecord[]): number {
  const events = records.flatMap((r) => [
    [r.start, 1],
    [r.end, -1],
  ]);
  events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let peak = 0;
  for (const [, delta] of events) peak = Math.max(peak, (now += delta!));
  return peak;
}
