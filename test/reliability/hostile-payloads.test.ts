/**
 * Known attacks, sent to every endpoint (SPEC section 3, "Limits and hostile input"):
 * billion laughs and external entities (XXE) in XML, bodies over 1 MiB, nesting deeper than
 * 32 levels, and prototype pollution through JSON, XML, form bodies and query strings.
 * Endpoints that read a body answer 400 / 413 in the surface's error shape; none answers 5xx
 * or changes stored data; no entity is expanded and no file is read; Object.prototype is
 * untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Response } from '../helpers/http';
import { invariant, reportCounts } from './support/counts';
import { credentialFor, loadEndpoints, requestFor, sendEvent, tokenOf, type Endpoint, type Input } from './support/endpoints';
import { formText, jsonText } from './support/hostile';
import { expectPrototypesClean } from './support/prototypes';
import { changes, snapshot } from './support/snapshot';
import { world, type World } from './support/world';

reportCounts('hostile-payloads');

const { endpoints } = await loadEndpoints();
const all = endpoints.map((ep) => [ep.name, ep] as [string, Endpoint]);
const MiB = 1024 * 1024;

let w: World;
beforeAll(async () => {
  w = await world('payloads', { inventoryUnits: 1, codes: 3 });
});

function send(ep: Endpoint, body: string | undefined, headers: Record<string, string>, extra: Input = {}, base64Body?: string) {
  const spec = requestFor(ep, ep.routes[0]!, credentialFor(ep.surface, tokenOf(ep.surface, w)), {
    ...ep.valid(w),
    ...extra,
    headers,
    body,
  });
  return sendEvent(ep.handler, spec, base64Body);
}

/** The surface's error body (JSON) carrying exactly `message`. */
function expectError(ep: Endpoint, res: Response, status: number, message: string) {
  expect(res.statusCode).toBe(status);
  if (ep.surface === 'units') expect(res.json).toEqual({ errors: message });
  else if (ep.surface === 'inventory') expect(res.json).toEqual({ errors: [message] });
  else expect(res.json).toEqual({ success: 'false', reason: message });
  invariant();
}

const takesBody = (ep: Endpoint) => ep.method !== 'GET';
const root = (ep: Endpoint) => ep.bodyRoot ?? 'content';
const xml = { 'content-type': 'application/xml' };
const json = { 'content-type': 'application/json' };
const doctypeMessage = 'XML with a DOCTYPE or entity declaration is not accepted';

const billionLaughs = (r: string) =>
  '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol "lol">\n' +
  Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n') +
  `\n]>\n<${r}><lot_code>&lol9;</lot_code><email>&lol9;</email></${r}>`;

const xxe = (r: string) =>
  `<?xml version="1.0"?>\n<!DOCTYPE ${r} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n` +
  `<${r}><lot_code>&xxe;</lot_code><course_id>&xxe;</course_id><email>&xxe;</email></${r}>`;

const parameterEntity = (r: string) =>
  `<!DOCTYPE ${r} [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]><${r}><a>1</a></${r}>`;

/** An undeclared entity without any DOCTYPE: malformed, never looked up. */
const undeclaredEntity = (r: string) => `<${r}><lot_code>&xxe;</lot_code></${r}>`;

describe('XML entity attacks', () => {
  it.each(all)('%s: billion laughs, XXE and parameter entities are refused (400), nothing expanded, nothing changed', async (_n, ep) => {
    const before = await snapshot(w, {}, [ep.surface]);
    for (const payload of [billionLaughs, xxe, parameterEntity]) {
      const res = await send(ep, payload(root(ep)), xml);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body).not.toMatch(/root:|lollol/);
      if (takesBody(ep)) expectError(ep, res, 400, doctypeMessage);
    }
    const undeclared = await send(ep, undeclaredEntity(root(ep)), xml);
    if (takesBody(ep)) expectError(ep, undeclared, 400, 'Malformed XML');
    expect(changes(before, await snapshot(w, {}, [ep.surface]))).toEqual([]);
    invariant();
    expectPrototypesClean();
  });
});

describe('size and nesting limits', () => {
  it.each(all)('%s: a 2 MiB body is 413 (plain, base64, XML); over 32 levels of nesting is 400', async (_n, ep) => {
    const before = await snapshot(w, {}, [ep.surface]);
    const big = jsonText({ padding: 'x'.repeat(2 * MiB) });
    expectError(ep, await send(ep, big, json), 413, 'Request body larger than 1 MiB');
    expectError(ep, await send(ep, undefined, json, {}, Buffer.from(big).toString('base64')), 413, 'Request body larger than 1 MiB');
    expectError(ep, await send(ep, `<${root(ep)}><a>${'x'.repeat(2 * MiB)}</a></${root(ep)}>`, xml), 413, 'Request body larger than 1 MiB');
    // The boundary: one byte over 1 MiB is refused, exactly 1 MiB is read.
    const exactly = (n: number) => `{"padding":"${'x'.repeat(n - 14)}"}`;
    expect(Buffer.byteLength(exactly(MiB))).toBe(MiB);
    expectError(ep, await send(ep, exactly(MiB + 1), json), 413, 'Request body larger than 1 MiB');
    const atLimit = await send(ep, exactly(MiB), json);
    expect(atLimit.statusCode).not.toBe(413);
    expect(atLimit.statusCode).toBeLessThan(500);
    // Nesting: 33 levels of JSON, 40 of XML.
    const deepJson = `${'{"a":'.repeat(33)}1${'}'.repeat(33)}`;
    expectError(ep, await send(ep, deepJson, json), 400, 'Body nested deeper than 32 levels');
    const deepXml = `<${root(ep)}>${'<a>'.repeat(40)}1${'</a>'.repeat(40)}</${root(ep)}>`;
    expectError(ep, await send(ep, deepXml, xml), 400, 'XML nesting deeper than 32 levels');
    if (takesBody(ep)) expect(changes(before, await snapshot(w, {}, [ep.surface]))).toEqual([]);
    invariant();
  });
});

describe('prototype pollution', () => {
  const pollutingJson = (valid: unknown) => {
    const inner = (valid ?? {}) as Record<string, unknown>;
    // Written by hand: an object literal's __proto__ would set the prototype, not a key.
    const keys = '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}';
    const text = jsonText(inner);
    return text === '{}' ? `{${keys}}` : `{${keys},${text.slice(1)}`;
  };
  const pollutingForm = '__proto__[polluted]=yes&constructor[prototype][polluted]=yes&a[__proto__][polluted]=yes&__proto__.polluted=yes';
  const pollutingXml = (r: string) =>
    `<${r}><__proto__><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor><to-string>x</to-string></${r}>`;

  it.each(all)('%s: __proto__ / constructor / prototype keys in JSON, form, XML and the query string never reach a prototype', async (_n, ep) => {
    const valid = ep.valid(w);
    const responses = [
      await send(ep, pollutingJson(valid.body), json),
      await send(ep, [pollutingForm, ...formText(valid.body ?? {})].join('&'), { 'content-type': 'application/x-www-form-urlencoded' }),
      await send(ep, pollutingXml(root(ep)), xml),
      await send(ep, undefined, {}, { query: { ...valid.query, '__proto__[polluted]': 'yes', 'constructor[prototype][polluted]': 'yes' } }),
    ];
    for (const res of responses) {
      expect(res.statusCode, res.body).toBeLessThan(500);
      expectPrototypesClean();
    }
  });
});
