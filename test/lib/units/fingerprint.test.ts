/**
 * The retry short cut (lib/units/fingerprint.ts): a large request that an earlier commit
 * recorded is answered from one item, charges nothing and answers as the full path does; any
 * other request, a refused one, or one killed before its commit takes the full path. What the
 * handler reads is observed with a pass-through middleware on the DynamoDB client (no fault).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assignUnits, Killed } from '../../../lib/units/assign';
import { pairsFingerprint } from '../../../lib/units/fingerprint';
import { fingerprintRecorded } from '../../../lib/units/repository-assign';
import { grantUnits } from '../../../lib/units/grant';
import { getAccount, listAssignments, listOperations } from '../../../lib/units/repository';
import { injectFaults, transactionWith, type Injector } from '../../reliability/support/faults';
import { assign, ledgerTotals, range, snapshot, unitsTenant } from './fixtures';

// 10 courses x 300 logins: 20 buckets (fingerprinted), 3,000 pairs (journal and bucket writes).
const codes = range(1, 10).map((i) => `C${i}`);
const logins = range(1, 300);
const cost = codes.length * logins.length;
const body = { course_codes: codes, login_ids: logins };
const xml = {
  path: '/api/v2/inventories/assign_units.xml',
  headers: { 'Content-Type': 'application/xml' },
};
const xmlBody = `<content><course-codes>${codes.map((c) => `<course-code>${c}</course-code>`).join('')}</course-codes>` +
  `<login-ids>${logins.map((id) => `<login-id>${id}</login-id>`).join('')}</login-ids></content>`;

const tenant = (unitsAvailable = 10 * cost, extraPayment = false) =>
  unitsTenant({ account: { unitsAvailable, extraPayment }, courses: codes.map((code) => ({ code, name: code })), logins: range(1, 400) });

let watch: Injector | undefined;
afterEach(() => watch?.remove());

/** Records the key prefixes of every DynamoDB request sent from now on (nothing is faulted). */
function watchReads(): string[] {
  const seen: string[] = [];
  watch = injectFaults({ fault: (a) => void seen.push(`${a.command} ${JSON.stringify(a.input)}`) });
  return seen;
}
const touches = (seen: string[], part: string) => seen.filter((s) => s.includes(part)).length;

describe('pairsFingerprint', () => {
  it('ignores order and duplicates, changes with any pair, and is not used below 10 buckets', () => {
    const fp = pairsFingerprint(codes, logins);
    expect(fp).toBeDefined();
    expect(pairsFingerprint([...codes].reverse(), [...logins].reverse())).toBe(fp);
    expect(pairsFingerprint(codes, [...logins, 301])).not.toBe(fp);
    expect(pairsFingerprint(codes.slice(1), logins)).not.toBe(fp);
    expect(pairsFingerprint(['C1'], [1])).toBeUndefined();
  });
});

describe('a retry whose pairs all exist', () => {
  it('charges nothing, answers as the first call did (JSON and XML), leaves a 0-unit ledger entry and reads no course, login or assignment', async () => {
    const t = await tenant();
    const first = await assign(t.unitsToken, body);
    expect(first.statusCode, first.body).toBe(200);
    const after = await snapshot(t.tenantId);

    const seen = watchReads();
    const again = await assign(t.unitsToken, body);
    const againXml = await assign(t.unitsToken, xmlBody, xml);
    watch!.remove();

    expect([again.statusCode, again.body]).toEqual([first.statusCode, first.body]);
    expect(again.json).toEqual({});
    expect(againXml.statusCode).toBe(200);
    expect(againXml.body).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<content>\n</content>\n');
    expect(await snapshot(t.tenantId)).toEqual(after);
    expect(touches(seen, '#DONE#')).toBe(2);
    for (const part of ['#ASSIGN#', '#COURSES', '#LOGINS']) expect(touches(seen, part)).toBe(0);
    const ops = await listOperations(t.tenantId);
    expect(ops.map((o) => [o.status, o.units, o.pairs])).toEqual([['committed', cost, cost], ['committed', 0, 0], ['committed', 0, 0]]);
    expect(ops[2]!.pairList).toEqual([]);
    expect((await getAccount(t.tenantId))!.claim).toBeUndefined();
  });

  it('a request that differs by one pair takes the full path: the new pair is charged, the others are not', async () => {
    const t = await tenant();
    expect((await assign(t.unitsToken, body)).statusCode).toBe(200);

    const seen = watchReads();
    const more = await assign(t.unitsToken, { course_codes: codes, login_ids: [...logins, 301] });
    expect(more.statusCode, more.body).toBe(200);
    expect(touches(seen, '#ASSIGN#')).toBeGreaterThan(0);
    const fewer = await assign(t.unitsToken, { course_codes: codes.slice(1), login_ids: logins });
    expect(fewer.statusCode, fewer.body).toBe(200);
    watch!.remove();

    const { inventory, counts } = await snapshot(t.tenantId);
    expect(inventory).toMatchObject({ units_available: 10 * cost - cost - codes.length, units_used: cost + codes.length });
    expect(counts).toEqual(Object.fromEntries(codes.map((c) => [c, 301])));
    expect(await ledgerTotals(t.tenantId)).toEqual({ entries: 3, units: cost + codes.length, owed: 0, pairs: cost + codes.length });
  });

  it('a request refused for its balance records nothing: after a grant the same request is charged in full', async () => {
    const t = await tenant(cost - 1);
    const refused = await assign(t.unitsToken, body);
    expect(refused.statusCode).toBe(422);
    expect(await fingerprintRecorded(t.tenantId, pairsFingerprint(codes, logins)!)).toBe(false);

    await grantUnits(t.tenantId, 1);
    expect((await assign(t.unitsToken, body)).statusCode).toBe(200);
    const { inventory, counts } = await snapshot(t.tenantId);
    expect(inventory).toMatchObject({ units_available: 0, units_used: cost });
    expect(counts).toEqual(Object.fromEntries(codes.map((c) => [c, logins.length])));
  });
});

describe('the record is part of the commit', () => {
  it('a process killed just before the commit leaves no fingerprint: the next request recovers it and assigns and charges everything', async () => {
    const t = await tenant();
    const attempt = assignUnits(t.tenantId, { courseCodes: codes, loginIds: logins }, { leaseMs: 1_000, faults: (s) => (s === 'commit' ? 'kill' : undefined) });
    await expect(attempt).rejects.toBeInstanceOf(Killed);
    expect(await fingerprintRecorded(t.tenantId, pairsFingerprint(codes, logins)!)).toBe(false);

    const result = await assignUnits(t.tenantId, { courseCodes: codes, loginIds: logins });
    expect(result).toMatchObject({ pairs: cost, unitsCharged: cost });
    expect(await listAssignments(t.tenantId, 'C10')).toEqual(logins);
    expect(await ledgerTotals(t.tenantId)).toEqual({ entries: 1, units: cost, owed: 0, pairs: cost });
    expect(await fingerprintRecorded(t.tenantId, pairsFingerprint(codes, logins)!)).toBe(true);
  });

  it('a commit whose answer is lost still reports its result, and its retry takes the short cut and charges nothing', async () => {
    const t = await tenant();
    // Mocks what DynamoDB Local cannot do: the commit is applied, then the connection drops.
    watch = injectFaults({ select: transactionWith('#DONE#'), fault: (a) => (a.call === 1 && a.attempt === 1 ? 'lostAnswer' : undefined) });
    const result = await assignUnits(t.tenantId, { courseCodes: codes, loginIds: logins });
    watch.remove();
    expect(watch.injected).toEqual({ lostAnswer: 1 });
    expect(result).toMatchObject({ pairs: cost, unitsCharged: cost });

    expect(await assignUnits(t.tenantId, { courseCodes: codes, loginIds: logins })).toMatchObject({ pairs: 0, unitsCharged: 0, unitsOwed: 0 });
    expect(await ledgerTotals(t.tenantId)).toEqual({ entries: 2, units: cost, owed: 0, pairs: cost });
  });
});

describe('20 concurrent requests', () => {
  // A limit for a loaded machine (the requests queue for the tenant's claim), not a measure of speed.
  it('the same request 10 times and 10 requests one pair larger, with units for a few: never an overspend, charges match the pairs', { timeout: 120_000 }, async () => {
    // Enough for the request and 3 of the 10 extra logins (one pair per course each).
    const balance = cost + 3 * codes.length;
    const t = await tenant(balance);
    const bodies = range(0, 19).map((i) => (i % 2 ? body : { course_codes: codes, login_ids: [...logins, 301 + i] }));
    const responses = await Promise.all(bodies.map((b) => assign(t.unitsToken, b)));

    for (const r of responses) expect([200, 422]).toContain(r.statusCode);
    expect(responses.filter((r) => r.statusCode === 422).length).toBeGreaterThanOrEqual(7); // at most 3 extras paid
    const { inventory, counts } = await snapshot(t.tenantId);
    const ledger = await ledgerTotals(t.tenantId);
    expect(inventory.units_available).toBeGreaterThanOrEqual(0);
    expect(ledger.units).toBe(balance - inventory.units_available);
    expect(inventory.units_used).toBe(ledger.units);
    const assigned = Object.values(counts).reduce((s, n) => s + n, 0);
    expect(ledger.units).toBe(assigned);
    expect(ledger.entries).toBe(responses.filter((r) => r.statusCode === 200).length);
    // Every answered 200 has all its pairs.
    for (const [i, r] of responses.entries()) {
      if (r.statusCode !== 200) continue;
      for (const code of codes) expect(await listAssignments(t.tenantId, code)).toEqual(expect.arrayContaining(bodies[i]!.login_ids));
    }
  });
});
