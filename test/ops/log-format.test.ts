/**
 * The request log as printed on stdout by Powertools' Logger (lib/log.ts), with LOG_LEVEL=warn:
 * a successful request prints nothing, a 5xx prints one JSON line with Allot's fields and
 * Powertools' standard ones (service, timestamp, cold start, function, request and correlation
 * ids). test/ops/logs.test.ts checks the fields and the absence of secrets at the default level.
 */
import { vi } from 'vitest';

// The test run silences the log (ALLOT_LOG=off); this file reads it from stdout at level warn.
vi.hoisted(() => {
  process.env.ALLOT_LOG = 'on';
  process.env.LOG_LEVEL = 'warn';
});

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handler as inventories } from '../../functions/units/inventories';
import { clearCredentialCache } from '../../lib/auth/credentials';
import { db } from '../../lib/db/client';
import { lambdaContext } from '../../scripts/lambda-context';
import { buildEvent } from '../helpers/http';
import { createTenant, type TestTenant } from '../helpers/tenants';

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTenant('logfmt');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The JSON lines a request printed on stdout and stderr (EMF metric lines aside). */
async function printedBy(context = lambdaContext('allot-test-listInventories')): Promise<{ status: number; lines: Record<string, unknown>[] }> {
  const printed: string[] = [];
  // Powertools writes error records to stderr, the others to stdout (both reach CloudWatch).
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }),
  );
  try {
    const event = buildEvent({ path: '/api/v2/inventories', headers: { Authorization: `Token token="${tenant.unitsToken}"` } });
    const res = await inventories(event, context);
    const lines = printed.flatMap((t) => t.split('\n')).filter((l) => l.startsWith('{') && !l.includes('"_aws"'));
    return { status: res.statusCode, lines: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('LOG_LEVEL=warn', () => {
  it('a successful request prints no log line', async () => {
    const { status, lines } = await printedBy();
    expect(status).toBe(200);
    expect(lines).toEqual([]);
  });

  it('a 5xx prints one line: Allot fields plus Powertools standard fields', async () => {
    clearCredentialCache();
    vi.spyOn(db(), 'send').mockRejectedValue(new Error('database exploded') as never);
    const context = lambdaContext('allot-test-listInventories');
    const { status, lines } = await printedBy(context);
    expect(status).toBe(500);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      message: 'request',
      service: 'allot',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      cold_start: expect.any(Boolean),
      function_name: 'allot-test-listInventories',
      function_request_id: context.awsRequestId,
      correlation_id: expect.any(String),
      requestId: context.awsRequestId,
      function: 'allot-test-listInventories',
      surface: 'units',
      route: 'GET /api/v2/inventories',
      status: 500,
      error: { message: 'database exploded' },
    });
  });
});
