/**
 * Idempotency-Key and a failure after the commit (issue 21): the write is applied, then a read
 * the answer needs is throttled past the SDK's retries. The throttling is injected by
 * support/faults.ts (DynamoDB Local never throttles); the data and conditions are DynamoDB
 * Local's. A retry with the same key must not apply the write a second time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDb } from '../../lib/db/client';
import { getUnit } from '../../lib/inventory/repository';
import { loadEndpoints, sendValid, type Endpoint } from './support/endpoints';
import { injectFaults, type Injector } from './support/faults';
import { world } from './support/world';

const { endpoints } = await loadEndpoints();
const adjust = endpoints.find((e) => e.name === 'adjustInventoryUnitQuantity') as Endpoint;

let faults: Injector | undefined;
beforeEach(() => {
  resetDb();
});
afterEach(() => {
  faults?.remove();
  faults = undefined;
  vi.restoreAllMocks();
  resetDb();
});

describe('Idempotency-Key after a commit', () => {
  it('a relative adjust whose tenants-table read fails after its commit is applied once, however often it is retried', async () => {
    const w = await world('idc');
    const unitId = w.inventory.unitIds[0]!;
    // Past the warm caches (currency, credentials) the world's setup filled: the request reads the tenant again.
    const real = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => real() + 120_000);
    let committed = false;
    faults = injectFaults({
      select: (a) =>
        a.command === 'TransactWriteItemsCommand' ||
        (a.command === 'GetItemCommand' && JSON.stringify(a.input).includes(`"TENANT#${w.tenantId}"`)),
      fault: (a) => {
        if (a.command === 'TransactWriteItemsCommand') return { until: Promise.resolve(), done: ({ ok }) => void (committed ||= ok) };
        return committed ? 'ThrottlingException' : undefined;
      },
    });
    const request = { headers: { 'Idempotency-Key': `adj-${w.tenantId}` }, body: { inventory_unit: { quantity: '+5' } } };
    const first = await sendValid(adjust, w, request);
    faults.remove();
    const retry = await sendValid(adjust, w, request);

    expect(committed).toBe(true);
    expect(retry.statusCode).toBe(200);
    expect((await getUnit(w.tenantId, unitId))!.quantity).toBe('105');
    // Whatever the first answer was, the retry does not run the adjust again.
    if (first.statusCode === 200) expect(retry.body).toBe(first.body);
  });

  it('a relative adjust whose commit answer is lost is never run again under its key: the failure is replayed', async () => {
    const w = await world('idl');
    const unitId = w.inventory.unitIds[0]!;
    // The write transaction is applied and its answer lost; every resend of it fails before reaching DynamoDB.
    faults = injectFaults({
      select: (a) => a.command === 'TransactWriteItemsCommand',
      fault: (a) => (a.call === 1 && a.attempt === 1 ? 'lostAnswer' : 'ECONNRESET'),
    });
    const request = { headers: { 'Idempotency-Key': `adj-${w.tenantId}` }, body: { inventory_unit: { quantity: '+5' } } };
    const first = await sendValid(adjust, w, request);
    faults.remove();
    const retry = await sendValid(adjust, w, request);

    expect(first.statusCode).toBeGreaterThanOrEqual(500);
    expect((await getUnit(w.tenantId, unitId))!.quantity).toBe('105');
    expect({ statusCode: retry.statusCode, body: retry.body }).toEqual({ statusCode: first.statusCode, body: first.body });
  });
});
