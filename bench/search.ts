/**
 * Scenario 5, search read amplification: `GET .../inventory_units/search` over a tenant with
 * many units, the term matching 1% of them, first page. An SDK middleware (bench/sdk.ts
 * countReads) counts what DynamoDB read for each request: ScannedCount of every Query (items
 * read before the filter), the items of every GetItem/BatchGetItem, and the consumed capacity.
 * The headline is the selective exact-match search (`field0=lot_code&comparison0=equals`);
 * the other comparisons and the lone `term0` (every text field, `contains`) are reported beside it.
 */
import { handler as search } from '../functions/inventory/search';
import { lambdaContext } from '../scripts/lambda-context';
import { buildEvent } from '../test/helpers/http';
import type { BenchTenant } from './env';
import { HOT_LOT, type InventoryFixture } from './inventory-data';
import { result, type Results } from './results';
import { countReads, type ReadCounts } from './sdk';
import { round, summarize, timeMs } from './stats';

const ROUTE = '/api/v2/{api_token}/inventory_units/search';

async function measure(tenant: BenchTenant, query: string, repeat: number) {
  const counter = countReads();
  const times: number[] = [];
  let counts: ReadCounts | undefined;
  let page = 0;
  let total = 0;
  try {
    for (let i = 0; i < repeat; i++) {
      counter.reset();
      const event = buildEvent({ path: `/api/v2/${tenant.inventoryToken}/inventory_units/search?${query}`, route: ROUTE });
      let body = '';
      let pagination = '';
      times.push(
        await timeMs(async () => {
          const response = await search(event, lambdaContext('searchInventoryUnits'));
          if (response.statusCode !== 200) throw new Error(`search answered ${response.statusCode}: ${response.body}`);
          body = response.body;
          pagination = response.headers['X-Pagination'] ?? '{}';
        }),
      );
      counts = counter.counts;
      page = (JSON.parse(body) as { inventory_units: unknown[] }).inventory_units.length;
      total = (JSON.parse(pagination) as { total_entries: number }).total_entries;
    }
  } finally {
    counter.uninstall();
  }
  const c = counts!;
  return {
    query,
    total_entries: total,
    page_items: page,
    items_read: c.itemsRead,
    items_returned_by_dynamodb: c.itemsReturned,
    read_capacity_units: round(c.capacityUnits, 1),
    requests: c.requests,
    scans: c.scans,
    amplification: page ? round(c.itemsRead / page, 2) : null,
    latency_ms_p50: round(summarize(times).p50, 1),
  };
}

export async function searchScenario(tenant: BenchTenant, fixture: InventoryFixture, repeat: number): Promise<Results> {
  const term = encodeURIComponent(HOT_LOT.toLowerCase());
  const exact = await measure(tenant, `field0=lot_code&comparison0=equals&term0=${term}`, repeat);
  const prefix = await measure(tenant, `field0=lot_code&comparison0=starts_with&term0=${term}`, repeat);
  const containsOne = await measure(tenant, `field0=lot_code&comparison0=contains&term0=${term}`, Math.min(repeat, 2));
  const lone = await measure(tenant, `term0=${term}`, Math.min(repeat, 2));
  if (exact.total_entries !== fixture.matching) {
    throw new Error(`search found ${exact.total_entries} units, expected ${fixture.matching}`);
  }
  const scans = exact.scans + prefix.scans + containsOne.scans + lone.scans;
  return {
    search_read_amplification: result({
      value: exact.items_read,
      baseline: exact.page_items,
      target: 10,
      unit: 'items',
      on: 'ratio',
      note: `search lot_code equals, ${fixture.matching} of ${fixture.units} units match, first page: items read from DynamoDB vs items on the page`,
      detail: { units: fixture.units, scans, equals: exact, starts_with: prefix, contains_one_field: containsOne, lone_term0_all_text_fields: lone },
    }),
    search_scans: result({
      value: scans,
      baseline: null,
      target: 0,
      unit: 'Scan requests',
      on: 'value',
      note: 'Scan requests made by the four searches (target: none)',
    }),
  };
}
