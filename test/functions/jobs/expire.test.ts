/**
 * The hourly expiry job. It goes over every tenant's due codes, so each test looks only at the
 * codes of its own fresh tenant.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/jobs/expire-enrollment-codes';
import { db } from '../../../lib/db/client';
import { tableName } from '../../../lib/db/tables';
import type { CodeRecord } from '../../../lib/enrollment/model';
import { getCode, insertCodes, putCourse } from '../../../lib/enrollment/repository';
import { expireCode } from '../../../lib/enrollment/repository-expire';
import { unlimited } from '../../../lib/deadline';
import { expireEnrollmentCodes } from '../../../lib/jobs/expire';
import { setLogSink, type LogLine } from '../../../lib/log';
import { lambdaContext } from '../../../scripts/lambda-context';
import { createTenant } from '../../helpers/tenants';
import { api } from '../enrollment/support';

const course = 'course-v1:Jobs+Expire+1';
const hourMs = 3_600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

async function tenantWithCodes(codes: Omit<CodeRecord, 'courseId' | 'createdAt'>[]) {
  const tenant = await createTenant('expire');
  await putCourse(tenant.tenantId, { courseId: course });
  const records = codes.map((c) => ({ ...c, courseId: course, createdAt: at(-2 * hourMs) }));
  expect(await insertCodes(tenant.tenantId, records)).toEqual([]);
  return tenant;
}

/** The stored item, with the index attribute the repository does not return. */
async function rawCode(tenantId: string, code: string) {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName('enrollment'), Key: { pk: `T#${tenantId}#CODE#${code}`, sk: 'CODE' }, ConsistentRead: true }),
  );
  return Item;
}

const scheduledEvent = {
  version: '0',
  id: 'c6f2b8a0-1a1a-4b4b-8c8c-000000000000',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:000000000000:rule/allot-test-expire'],
  detail: {},
};

describe('which codes are in the expiry index', () => {
  it('codes generated with an expiry carry the index attribute; codes without one do not', async () => {
    const tenant = await createTenant('expire');
    await putCourse(tenant.tenantId, { courseId: course });
    const client = api(tenant.bearerToken);
    const withExpiry = await client.generate({ course_id: course, total_registration_codes: 2, expiration_date: '2999-01-01' });
    const without = await client.generate({ course_id: course, total_registration_codes: 1 });
    for (const code of (withExpiry.json as { codes: string[] }).codes) {
      expect((await rawCode(tenant.tenantId, code))?.gsi2pk).toMatch(/^EXPIRY#\d+$/);
    }
    const [plain] = (without.json as { codes: string[] }).codes;
    expect(await rawCode(tenant.tenantId, plain!)).not.toHaveProperty('gsi2pk');
  });
});

describe('a run', () => {
  let tenantId: string;

  beforeAll(async () => {
    ({ tenantId } = await tenantWithCodes([
      { code: 'XPPAST01', status: 'active', expiresAt: at(-hourMs) },
      { code: 'XPJUST01', status: 'active', expiresAt: at(-60_000) }, // within the 5 min settle time
      { code: 'XPMIDL01', status: 'active', expiresAt: at(-4 * 60_000) }, // within it too, but past 2 min
      { code: 'XPSOON01', status: 'active', expiresAt: at(hourMs) },
      { code: 'XPNONE01', status: 'active' },
      { code: 'XPUSED01', status: 'redeemed', email: 'a@example.com', redeemedAt: at(-90 * 60_000), expiresAt: at(-hourMs) },
      { code: 'XPCANC01', status: 'canceled', expiresAt: at(-hourMs) },
    ]));
  });

  it('expires active codes past their expiry (and settle time), and only those', async () => {
    const summary = await expireEnrollmentCodes({ budget: unlimited });
    expect(summary).toMatchObject({ job: 'expireEnrollmentCodes', complete: true });
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    expect((await getCode(tenantId, 'XPPAST01'))?.status).toBe('expired');
    expect((await getCode(tenantId, 'XPJUST01'))?.status).toBe('active');
    expect((await getCode(tenantId, 'XPMIDL01'))?.status).toBe('active');
    expect((await getCode(tenantId, 'XPSOON01'))?.status).toBe('active');
    expect((await getCode(tenantId, 'XPNONE01'))?.status).toBe('active');
  });

  it('leaves used and canceled codes as they are, and takes them out of the index', async () => {
    await expireEnrollmentCodes({ budget: unlimited });
    expect(await getCode(tenantId, 'XPUSED01')).toMatchObject({ status: 'redeemed', email: 'a@example.com' });
    expect((await getCode(tenantId, 'XPCANC01'))?.status).toBe('canceled');
    for (const code of ['XPPAST01', 'XPUSED01', 'XPCANC01']) expect(await rawCode(tenantId, code)).not.toHaveProperty('gsi2pk');
    for (const code of ['XPJUST01', 'XPMIDL01', 'XPSOON01']) expect(await rawCode(tenantId, code)).toHaveProperty('gsi2pk');
  });

  it('a summary counts what it read and wrote', async () => {
    const summary = await expireEnrollmentCodes({ budget: unlimited });
    // every code read was expired, taken out of the index, or found changing under the job
    expect(summary.scanned).toBe(summary.expired + summary.unindexed + summary.skipped);
    expect(summary.changed).toBe(summary.expired + summary.unindexed);
    expect(summary.drift).toBeGreaterThanOrEqual(summary.expired); // active codes found past expiry
  });

  it('a shorter settle time expires codes whose expiry is older than it', async () => {
    // 2 min, not 0: other files check codes that expired a minute ago and must find them untouched
    await expireEnrollmentCodes({ budget: unlimited, settleMs: 2 * 60_000 });
    expect((await getCode(tenantId, 'XPMIDL01'))?.status).toBe('expired');
    expect((await getCode(tenantId, 'XPJUST01'))?.status).toBe('active');
  });

  it('stops without reading anything when its time is up, and says so', async () => {
    const summary = await expireEnrollmentCodes({ budget: { exhausted: () => true } });
    expect(summary).toMatchObject({ complete: false, scanned: 0, changed: 0 });
  });
});

describe('the conditional update', () => {
  it('changes a code only if it is still active and past the cut-off', async () => {
    const { tenantId } = await tenantWithCodes([
      { code: 'XPCOND01', status: 'redeemed', email: 'b@example.com', expiresAt: at(-hourMs) },
      { code: 'XPCOND02', status: 'active', expiresAt: at(hourMs) },
    ]);
    const due = (code: string, status: 'active' | 'redeemed', expiresAt: string) =>
      ({ key: { pk: `T#${tenantId}#CODE#${code}`, sk: 'CODE' }, status, expiresAt, tenantId, courseId: course });
    expect(await expireCode(due('XPCOND01', 'redeemed', at(-hourMs)), at(0))).toBe(false);
    expect(await expireCode(due('XPCOND02', 'active', at(hourMs)), at(0))).toBe(false);
    expect((await getCode(tenantId, 'XPCOND01'))?.status).toBe('redeemed');
    expect((await getCode(tenantId, 'XPCOND02'))?.status).toBe('active');
  });
});

describe('the Lambda handler', () => {
  it.each([
    ['a scheduled event', scheduledEvent],
    ['an empty event', {}],
  ])('runs on %s, returns its summary and logs it as one line', async (_name, event) => {
    const { tenantId } = await tenantWithCodes([{ code: 'XPHAND01', status: 'active', expiresAt: at(-hourMs) }]);
    const lines: LogLine[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      const summary = await handler(event, lambdaContext('expireEnrollmentCodes', 300_000));
      expect(summary).toMatchObject({ job: 'expireEnrollmentCodes', complete: true });
      expect(lines).toEqual([expect.objectContaining({ level: 'info', function: 'expireEnrollmentCodes', ...summary })]);
    } finally {
      restore();
    }
    expect((await getCode(tenantId, 'XPHAND01'))?.status).toBe('expired');
  });
});
