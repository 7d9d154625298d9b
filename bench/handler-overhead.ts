/**
 * Scenario 1, handler overhead: a warm `show inventory unit` through the whole middy stack
 * (API Gateway v2 event in, JSON or XML out, alternately) against a bare GetItem of the same
 * item (same DocumentClient, same consistent read) on the same DynamoDB Local, interleaved.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { handler as show } from '../functions/inventory/show';
import { tableName } from '../lib/db/tables';
import { db } from '../lib/db/client';
import { keys } from '../lib/inventory/keys';
import type { HttpEvent } from '../lib/http/event';
import { lambdaContext } from '../scripts/lambda-context';
import { buildEvent } from '../test/helpers/http';
import type { BenchTenant } from './env';
import { PART_ID, type InventoryFixture } from './inventory-data';
import { result, type Results } from './results';
import { countReads } from './sdk';
import { interleaved, round, summarize } from './stats';

export const SHOW_ROUTE = '/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}';

export interface ShowRequest {
  event: HttpEvent;
  context: Context;
}

/** An API Gateway v2 event and a Lambda context, as the runtime hands them to the handler. */
export function showRequest(tenant: BenchTenant, unitId: number, format: 'json' | 'xml'): ShowRequest {
  const event = buildEvent({
    path: `/api/v2/${tenant.inventoryToken}/parts/${PART_ID}/inventory_units/${unitId}.${format}`,
    route: SHOW_ROUTE,
  });
  return { event, context: lambdaContext('showInventoryUnit') };
}

export async function callShow({ event, context }: ShowRequest): Promise<string> {
  const response = await show(event, context);
  if (response.statusCode !== 200) throw new Error(`show answered ${response.statusCode}: ${response.body}`);
  return response.body;
}

/** The baseline: a GetItem of the shown unit, a new command per call as the application sends it. */
export function bareGetItem(tenant: BenchTenant, fixture: InventoryFixture): () => Promise<unknown> {
  const input = { TableName: tableName('inventory'), Key: keys.unit(tenant.tenantId, fixture.showUnitId), ConsistentRead: true };
  return () => db().send(new GetCommand(input));
}

export async function handlerOverhead(
  tenant: BenchTenant,
  fixture: InventoryFixture,
  sizes: { n: number; warmup: number },
): Promise<Results> {
  const getItem = bareGetItem(tenant, fixture);
  let request = showRequest(tenant, fixture.showUnitId, 'json');
  const samples = await interleaved({
    ...sizes,
    // a fresh event per request (the stack normalises it in place), built outside the timing
    prepare: (i) => {
      request = showRequest(tenant, fixture.showUnitId, i % 2 === 0 ? 'json' : 'xml');
    },
    measured: () => callShow(request),
    baseline: getItem,
  });
  // how many DynamoDB requests a warm show makes (after the warm-up: the caches are warm)
  const counter = countReads();
  const probes = 10;
  try {
    for (let i = 0; i < probes; i++) await callShow(showRequest(tenant, fixture.showUnitId, 'json'));
  } finally {
    counter.uninstall();
  }
  const m = summarize(samples.measured);
  const b = summarize(samples.baseline);
  const detail = { samples: m.n, measured_ms: m, baseline_ms: b, dynamodb_requests_per_show: counter.counts.requests / probes };
  return {
    handler_overhead_p50: result({
      value: m.p50,
      baseline: b.p50,
      target: 1.15,
      unit: 'ms',
      on: 'ratio',
      note: 'warm show inventory unit (JSON/XML alternately) vs bare GetItem, p50',
      detail,
    }),
    handler_overhead_p99: result({
      value: m.p99,
      baseline: b.p99,
      target: 1.5,
      unit: 'ms',
      on: 'ratio',
      note: 'same samples, p99',
      detail: { extra_ms_p50: round(m.p50 - b.p50, 3) },
    }),
  };
}
