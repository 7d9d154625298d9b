/**
 * The provisioning CLI, run in process (`run(argv, io)`) against the test database: what it
 * prints, what it stores, and that what it prints works against the real handlers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as accessToken } from '../../functions/auth/access-token';
import { handler as search } from '../../functions/inventory/search';
import { handler as inventories } from '../../functions/units/inventories';
import { clearCredentialCache, findTenantByCredential, getTenant } from '../../lib/auth/credentials';
import { db } from '../../lib/db/client';
import { tableName } from '../../lib/db/tables';
import { getCourse } from '../../lib/enrollment/repository';
import { getPart, getSublocation, getUnitOfMeasure } from '../../lib/inventory/repository';
import { getAccount, listCourses } from '../../lib/units/repository';
import { run } from '../../scripts/admin';
import { call } from '../helpers/http';
import { routeOf } from '../helpers/routes';
import { createTenant } from '../helpers/tenants';

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `key: value` lines of the output. */
const field = (text: string, key: string) => new RegExp(`^${key}: (\\S+)$`, 'm').exec(text)?.[1] ?? '';

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at \S/);

const units = (token: string) => call(inventories, { path: '/api/v2/inventories', headers: { Authorization: `Token token="${token}"` } });
const inventory = (token: string) => call(search, { path: `/api/v2/${token}/inventory_units/search`, route: routeOf('searchInventoryUnits').path });
const oauth = (id: string, secret: string) =>
  call(accessToken, {
    method: 'POST',
    path: '/oauth2/access_token',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }).toString(),
  });

async function tenantsTableText(): Promise<string> {
  const items: unknown[] = [];
  for await (const page of paginateScan({ client: db() }, { TableName: tableName('tenants') })) items.push(...(page.Items ?? []));
  return JSON.stringify(items);
}

const uniqueName = () => `Ops Co ${Math.random().toString(36).slice(2, 8)}`;

describe('tenant:create', () => {
  let output: string;
  let id: string;

  beforeAll(async () => {
    const name = uniqueName();
    const res = await admin('tenant:create', name);
    expect(res).toMatchObject({ code: 0, err: '' });
    output = res.out;
    id = name.toLowerCase().replaceAll(' ', '-');
  });

  it('prints the new tenant and each secret once', () => {
    expect(output).toContain(`tenant ${id} created`);
    for (const key of ['inventory api token', 'course-units token', 'oauth client id', 'oauth client secret']) {
      expect(field(output, key)).toMatch(/^[\w-]{20,}$/);
    }
  });

  it('stores the secrets only as hashes', async () => {
    const text = await tenantsTableText();
    for (const key of ['inventory api token', 'course-units token', 'oauth client secret']) expect(text).not.toContain(field(output, key));
  });

  it('the printed credentials work on their surfaces and reach the new tenant', async () => {
    expect((await units(field(output, 'course-units token'))).json).toMatchObject({ units_available: 0, courses: [] });
    expect((await inventory(field(output, 'inventory api token'))).statusCode).toBe(200);
    expect((await oauth(field(output, 'oauth client id'), field(output, 'oauth client secret'))).statusCode).toBe(200);
  });

  it('refuses an id that exists, and a bad name or id', async () => {
    const again = await admin('tenant:create', 'Whatever', '--id', id);
    expect(again).toMatchObject({ code: 1, err: `error: tenant ${id} already exists` });
    expect((await admin('tenant:create', '!!!')).err).toMatch(/tenant id "" must be/);
    expect((await admin('tenant:create', 'x', '--id', 'Bad#Id')).code).toBe(2);
    expect((await admin('tenant:create')).err).toMatch(/takes 1 argument/);
  });
});

describe('credential:rotate', () => {
  let id: string;
  let created: string;

  beforeAll(async () => {
    const name = uniqueName();
    created = (await admin('tenant:create', name)).out;
    id = name.toLowerCase().replaceAll(' ', '-');
  });

  it.each([
    ['units', 'course-units token', units],
    ['inventory', 'inventory api token', inventory],
  ] as const)('%s: the new secret works, the old one no longer does', async (kind, key, request) => {
    const res = await admin('credential:rotate', id, kind);
    expect(res.code).toBe(0);
    expect(res.out).toContain('1 old deleted');
    clearCredentialCache(); // a warm Lambda may keep accepting the old one for up to 30 s
    expect((await request(field(created, key))).statusCode).toBe(401);
    expect((await request(field(res.out, key))).statusCode).toBe(200);
  });

  it('client: same client id, new secret; the old secret is refused', async () => {
    const res = await admin('credential:rotate', id, 'client');
    expect(res.code).toBe(0);
    const clientId = field(created, 'oauth client id');
    expect(field(res.out, 'oauth client id')).toBe(clientId);
    expect((await oauth(clientId, field(created, 'oauth client secret'))).statusCode).toBe(401);
    expect((await oauth(clientId, field(res.out, 'oauth client secret'))).statusCode).toBe(200);
  });

  it('refuses an unknown kind, an unknown tenant, a client id the tenant does not have', async () => {
    expect(await admin('credential:rotate', id, 'bearer')).toMatchObject({ code: 2, err: 'error: KIND must be inventory, units or client, not "bearer"' });
    expect(await admin('credential:rotate', 'no-such-tenant', 'units')).toMatchObject({ code: 1, err: 'error: no tenant no-such-tenant' });
    expect((await admin('credential:rotate', id, 'client', '--client', 'nope')).err).toBe(`error: tenant ${id} has no OAuth client nope`);
  });
});

describe('import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allot-import-'));
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const good = {
    courses: [{ code: 'JHSC', name: 'Job Hazard Safety Certification' }, { code: 'FORK', name: 'Forklift Operation', unit_cost: 3 }],
    logins: [1, 2, 3],
    enrollment_courses: [{ course_id: 'course-v1:Ops+Import+1', enrollment_end: '2030-01-01T00:00:00Z', max_enrollments: 5 }],
    units_of_measure: [{ id: 1, name: 'box' }],
    locations: [{ id: 1, name: 'CDHQ' }],
    sublocations: [{ id: 3, name: 'Bin 14', location_id: 1 }],
    parts: [{ id: 728, part_number: 'RES-10K-0603', description: 'Resistor 10k 0603' }, { id: 730, part_number: 'CAP-100N-0603' }],
  };
  let tenantId: string;

  beforeAll(async () => {
    ({ tenantId } = await createTenant('import'));
  });

  it('writes every kind of reference data, and importing again changes nothing', async () => {
    const file = write('good.json', good);
    for (let i = 0; i < 2; i++) {
      const res = await admin('import', tenantId, file);
      expect(res).toMatchObject({ code: 0, err: '' });
      expect(res.out).toBe(
        `imported into tenant ${tenantId}: 2 courses, 3 logins, 1 enrollment courses, 1 units of measure, 1 locations, 1 sublocations, 2 parts`,
      );
      expect(await listCourses(tenantId)).toEqual([
        { code: 'FORK', name: 'Forklift Operation', unitCost: 3 },
        { code: 'JHSC', name: 'Job Hazard Safety Certification', unitCost: 1 },
      ]);
      expect(await getCourse(tenantId, 'course-v1:Ops+Import+1')).toEqual({ courseId: 'course-v1:Ops+Import+1', enrollmentEnd: '2030-01-01T00:00:00.000Z', maxEnrollments: 5 });
      expect(await getUnitOfMeasure(tenantId, 1)).toEqual({ id: 1, name: 'box' });
      expect(await getSublocation(tenantId, 3)).toEqual({ id: 3, name: 'Bin 14', location_id: 1, label: 'CDHQ - Bin 14' });
      expect(await getPart(tenantId, 730)).toEqual({ id: 730, part_number: 'CAP-100N-0603', description: '' });
    }
  });

  it.each([
    ['a missing field', { parts: [good.parts[0], { id: 2 }] }, 'parts[1].part_number: required'],
    ['a wrong type', { logins: [1, 'two'] }, 'logins[1]: Invalid input: expected number, received string'],
    ['an unknown key', { parts: [], corses: [] }, 'corses: unknown key'],
    ['a sublocation of no location', { locations: [], sublocations: [{ id: 1, name: 'x', location_id: 9 }] }, 'sublocations[0].location_id: no location 9 in this file'],
    ['a duplicate', { units_of_measure: [{ id: 1, name: 'a' }, { id: 1, name: 'b' }] }, 'units_of_measure[1]: duplicate of units_of_measure[0] (1)'],
    ['not an object', [1, 2], '(file): Invalid input: expected object, received array'],
  ])('refuses %s, naming the path of the bad entry, and writes nothing', async (_name, content, line) => {
    const { tenantId: fresh } = await createTenant('import');
    const res = await admin('import', fresh, write('bad.json', content));
    expect(res.code).toBe(1);
    expect(res.err.split('\n')).toContain(line);
    noStack(res.err);
    expect(await getPart(fresh, 728)).toBeUndefined();
  });

  it('refuses a file that is not there or not JSON, and an unknown tenant', async () => {
    expect((await admin('import', tenantId, join(dir, 'missing.json'))).err).toMatch(/^error: cannot read .*missing\.json: ENOENT/);
    expect((await admin('import', tenantId, write('broken.json', '{"parts": ['))).err).toMatch(/^error: .*broken\.json is not JSON: /);
    expect(await admin('import', 'no-such-tenant', write('ok.json', {}))).toMatchObject({ code: 1, err: 'error: no tenant no-such-tenant' });
  });
});

describe('units:grant', () => {
  it('adds units to the balance (creating the account) and says what it did', async () => {
    const { tenantId } = await createTenant('grant');
    const res = await admin('units:grant', tenantId, '25');
    expect(res).toMatchObject({ code: 0, out: `granted 25 units to ${tenantId}: 0 paid off owed units, 25 added; available 25, owed 0` });
    expect(await getAccount(tenantId)).toMatchObject({ unitsAvailable: 25 });
  });

  it('refuses a count that is not a positive whole number', async () => {
    for (const n of ['0', '-3', '2.5', 'ten']) {
      const res = await admin('units:grant', 'demo', n);
      expect(res).toMatchObject({ code: 2, err: `error: N must be a positive whole number, not "${n}"` });
    }
  });
});

describe('seed', () => {
  it('loads the demo data into the local database (already there: nothing happens, so it may run any time)', async () => {
    const res = await admin('seed');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^demo data loaded where absent .* into local DynamoDB http:\/\/127\.0\.0\.1:\d+$/);
    expect(await getTenant('demo')).toEqual({ id: 'demo', name: 'Demo', currency: 'USD' });
    expect(await findTenantByCredential('units', 'demo-ll-token')).toBe('demo');
  });

  it('refuses anything but a local endpoint, before touching it', async () => {
    const aws = await admin('seed', '--stage', 'prod');
    expect(aws).toMatchObject({ code: 1, err: 'error: seed loads demo credentials: only into a DynamoDB on localhost or 127.0.0.1, not AWS us-east-1, tables allot-prod-*' });
    const remote = await run(['seed'], { out: () => {}, err: () => {} }, { ...process.env, DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com' });
    expect(remote).toBe(1);
    expect(process.env.DYNAMODB_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});

describe('help and usage', () => {
  it.each(['tenant:create', 'credential:rotate', 'import', 'units:grant', 'seed'])('%s --help explains the command', async (command) => {
    const res = await admin(command, '--help');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(new RegExp(`^usage: npm run admin -- ${command}`));
  });

  it('no command, an unknown command or option: usage on stderr, exit 2, no stack', async () => {
    for (const argv of [[], ['frobnicate'], ['units:grant', 'demo', '5', '--force']]) {
      const res = await admin(...argv);
      expect(res.code).toBe(2);
      expect(res.err).toMatch(/usage|unknown/);
      noStack(res.err);
    }
    expect((await admin('--help')).out).toContain('tenant:create NAME');
  });
});
