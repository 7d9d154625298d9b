/**
 * fast-check arbitraries for hostile requests: bodies with wrong types, huge arrays, deep
 * nesting, numbers JSON.stringify cannot write (1e309, -0), NaN strings, prototype keys,
 * unicode and control characters, random XML with DOCTYPE/entities/CDATA/comments, random
 * bytes, odd Content-Types and query strings; mixed with plausible values (the tenant's real
 * course codes, unit ids, enrollment codes) so requests also get past validation and reach
 * the domain code.
 */
import fc from 'fast-check';
import type { RequestSpec } from '../../helpers/http';
import { credentialFor, requestFor, tokenOf, type Endpoint } from './endpoints';
import type { World } from './world';

/** A JSON number as raw text: what a client may send and JSON.stringify cannot write. */
export class RawJson {
  constructor(readonly text: string) {}
}

const rawNumbers = ['1e309', '-1e309', '-0', '1e-400', '123456789012345678901234567890', '0.1e1', '-0.0', '1E+2'];

const specialStrings = [
  '', ' ', 'NaN', '-NaN', 'Infinity', '-Infinity', '-0', '+0', '1e309', '-1e309', '1e-400', '0x1F', '1_000', ' 7 ',
  '+5', '-5', '5.', '.5', '\u0661\u0662', 'true', 'false', 'null', 'undefined', '__proto__', 'constructor', 'prototype',
  'toString', '%00', '\u0000', '\u0007', '\uFFFE', '\uD800', '\u202Eevil', '\uD83E\uDD84'.repeat(50), '<b>x</b>', '&amp;',
  ']]>', "'; DROP TABLE units; --", '${7*7}', '{{7*7}}', 'A0000000', '../../etc/passwd', 'x'.repeat(300),
  'y'.repeat(5000), '9'.repeat(400),
];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -0, 1, -1, 0.1, 2 ** 53 + 2, -(2 ** 63), 1e21, 5e-324, ...specialStrings),
  fc.constantFrom(...rawNumbers).map((t) => new RawJson(t)),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

export const key = (fields: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...prototypeKeys, ...(fields.length ? fields : ['x'])),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
  );

const nested = (depth: number, leaf: unknown, array: boolean): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
};

/** Any hostile value: scalars, small structures of them, huge arrays and deep nesting. */
export const value = (fields: string[]): fc.Arbitrary<unknown> => {
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.dictionary(key(fields), tie('tree'), { maxKeys: 4 }),
    ),
  }));
  return fc.oneof(
    { arbitrary: tree, weight: 8 },
    { arbitrary: fc.integer({ min: 1001, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => i + 1)), weight: 1 },
    { arbitrary: fc.integer({ min: 101, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => `C${i}`)), weight: 1 },
    { arbitrary: fc.tuple(fc.integer({ min: 20, max: 120 }), scalar, fc.boolean()).map(([d, leaf, arr]) => nested(d, leaf, arr)), weight: 1 },
  );
};

/** Values that pass validation for a field (of tenant `w`), so hostile neighbours reach the domain. */
function plausible(field: string, w: World): fc.Arbitrary<unknown> {
  const codes = w.enrollment.codes.length ? w.enrollment.codes : ['NOCODE'];
  const table: Record<string, fc.Arbitrary<unknown>> = {
    course_codes: fc.constantFrom([w.units.codes[0]], w.units.codes, ['NOPE'], [w.units.codes[1], 'NOPE']),
    login_ids: fc.constantFrom([1], [1, 2], ['3'], [19, 20], [999]),
    quantity: fc.constantFrom('1', 1, '+1', '-1', '0.5', 0, '0', '100', 1e-10),
    inventory_sublocation_id: fc.constantFrom(1, 2, '1', 3),
    unit_id: fc.constantFrom(1, '1', 2),
    asset_id: fc.constantFrom(...w.inventory.assetIds, 'HOSTILE-1', 'A0000000', ''),
    generate_asset_id: fc.constantFrom('true', true, 1, 'false'),
    sublocation_bin: fc.constantFrom('B9', '', null),
    inventory_record: fc.constantFrom({ comment: 'c' }, { adjustment_type: 'consume' }, { adjustment_type: 'bogus' }, null),
    cost_per_unit: fc.constantFrom('0.5', 1, '', null),
    course_id: fc.constantFrom(w.enrollment.courseId, 'course-v1:Nope+X+1'),
    total_registration_codes: fc.constantFrom(1, '2', 0, 10001, '10000000000000000'),
    expiration_date: fc.constantFrom('2999-12-31', '1999-01-01', '2999-02-30', '2999-12-31T25:00:00Z'),
    email: fc.constantFrom('a@example.com', 'B@EXAMPLE.COM', 'not-an-email', 'a@b'),
    enrollment_code: fc.constantFrom(...codes, 'NOPE0000'),
    action: fc.constantFrom('cancel', 'restore', 'CANCEL', 'delete'),
    field0: fc.constantFrom('asset_id', 'bin', 'part_id', 'nope'),
    comparison0: fc.constantFrom('equals', 'contains', 'starts_with', 'regex'),
    term0: fc.constantFrom('as', w.inventory.assetIds[0] ?? 'x', '%', '*', ''),
    page: fc.constantFrom('1', '2', '0', '999999999'),
    per_page: fc.constantFrom('1', '100', '101', '0'),
  };
  return table[field] ?? fc.constant('1');
}

function largeCount(v: unknown): boolean {
  const n = Number(v instanceof RawJson ? v.text : typeof v === 'string' || typeof v === 'number' ? v : NaN);
  return Number.isInteger(n) && n > 3;
}

/** Objects over the endpoint's fields (plausible or hostile values) plus extra hostile keys. */
export function fieldsObject(ep: Endpoint, w: World): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(
    ep.fields.map((f) => {
      // A valid large count would only make the run slow (10,000 codes is a surface test).
      const hostile = f === 'total_registration_codes' ? value(ep.fields).filter((v) => !largeCount(v)) : value(ep.fields);
      return [f, fc.oneof(plausible(f, w), hostile)];
    }),
  );
  return fc
    .tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(key(ep.fields), value(ep.fields), { maxKeys: 3 }))
    .map(([known, extra]) => Object.assign(Object.create(null) as Record<string, unknown>, extra, known));
}

// ------------------------------------------------------------------------------- encodings

/** JSON text; RawJson values are written as their raw text. */
export function jsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${jsonText((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** XML in the Rails style (type attributes, dashes), names taken as they come (some are not valid XML names). */
export function xmlText(name: string, v: unknown, escape: boolean): string {
  const tag = name.replace(/_/g, '-') || 'x';
  if (v === null || v === undefined) return `<${tag} nil="true"/>`;
  if (v instanceof RawJson) return `<${tag} type="decimal">${v.text}</${tag}>`;
  if (Array.isArray(v)) return `<${tag} type="array">${v.map((item) => xmlText(tag.replace(/s$/, ''), item, escape)).join('')}</${tag}>`;
  if (typeof v === 'object') return `<${tag}>${Object.keys(v).map((k) => xmlText(k, (v as Record<string, unknown>)[k], escape)).join('')}</${tag}>`;
  const type = typeof v === 'number' ? (Number.isInteger(v) ? ' type="integer"' : ' type="float"') : typeof v === 'boolean' ? ' type="boolean"' : '';
  const text = String(v);
  return `<${tag}${type}>${escape ? escapeXml(text) : text}</${tag}>`;
}

const xmlDecorations = [
  '<!DOCTYPE x [<!ENTITY e "boom">]>',
  '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
  '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>',
  '<!-- comment -->',
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<?xml-stylesheet href="x"?>',
  '\uFEFF',
  '',
];
const xmlInner = ['<![CDATA[<not>markup</not>]]>', '<!-- c -->', '&e;', '&#0;', '&#x110000;', '&lt;&amp;', '<?pi x?>', ']]>', '<', ''];

/** A lone surrogate: not valid UTF-8, so neither a URL component nor a DynamoDB key. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (s: string) => !new RegExp(LONE_SURROGATE.source).test(s);

/** encodeURIComponent, with lone surrogates (which it refuses) sent as U+FFFD. */
const encode = (text: string) => encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));

/** Rails-style form params with bracket names (`a[b][]=1`). */
export function formText(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((item) => formText(item, `${prefix}[]`));
  if (v && typeof v === 'object' && !(v instanceof RawJson)) {
    return Object.keys(v).flatMap((k) => formText((v as Record<string, unknown>)[k], prefix ? `${prefix}[${k}]` : k));
  }
  const text = v instanceof RawJson ? v.text : v === null || v === undefined ? '' : String(v);
  return [`${encode(prefix).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encode(text)}`];
}

const contentTypes = [
  'application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'APPLICATION/JSON', 'application/xml',
  'text/xml', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream',
  ';;;', 'application/json; charset=ebcdic', '',
];
const rawTexts = [
  '{', '[', '{"a":', 'null', '"str"', '123', 'true', '[]', '<', '<a>', '<a></b>', '<?xml version="1.0"?>', '\uFEFF{}',
  '{"a":1}{"b":2}', '{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}', '<a/><b/>',
  'text<a/>', '%%%', 'a[b=1', 'a]=1&[=2', `${'['.repeat(40)}${']'.repeat(40)}`, `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`,
];

export interface Body {
  body?: string;
  contentType?: string;
  /** `body` is base64 of random bytes: sent as an API Gateway binary body. */
  base64?: boolean;
  /** Strings the body carries (asset ids, codes a refused write must not have stored). */
  strings: string[];
}

const textsOf = (v: unknown, out: string[] = []): string[] => {
  if (typeof v === 'string' && v.length > 0 && v.length <= 200 && wellFormed(v)) out.push(v);
  else if (v && typeof v === 'object' && !(v instanceof RawJson)) for (const k of Object.keys(v)) textsOf((v as Record<string, unknown>)[k], out);
  return out;
};

/** A body built from the endpoint's fields, in one of the formats (or deliberately broken), or raw bytes. */
export function body(ep: Endpoint, w: World): fc.Arbitrary<Body> {
  const shape = fc.tuple(fieldsObject(ep, w), fc.boolean()).map(([o, wrap]) => (wrap && ep.bodyRoot ? { [ep.bodyRoot]: o } : o));
  const json = fc.tuple(shape, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', ''))
    .map(([o, contentType]): Body => ({ body: jsonText(o), contentType, strings: textsOf(o) }));
  const xml = fc
    .tuple(fieldsObject(ep, w), fc.constantFrom(...xmlDecorations), fc.constantFrom(...xmlInner), fc.boolean(), fc.constantFrom('application/xml', 'text/xml', ''))
    .map(([o, before, inner, escape, contentType]): Body => {
      const doc = xmlText(ep.bodyRoot ?? 'content', o, escape);
      const at = doc.indexOf('>') + 1;
      return { body: `${before}${doc.slice(0, at)}${inner}${doc.slice(at)}`, contentType, strings: textsOf(o) };
    });
  const form = fc.tuple(shape, fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8'))
    .map(([o, contentType]): Body => ({ body: formText(o).join('&'), contentType, strings: textsOf(o) }));
  const bytes = fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...contentTypes))
    .map(([b, contentType]): Body => ({ body: Buffer.from(b).toString('base64'), contentType, base64: true, strings: [] }));
  const raw = fc.tuple(fc.constantFrom(...rawTexts), fc.constantFrom(...contentTypes))
    .map(([text, contentType]): Body => ({ body: text, contentType, strings: [] }));
  return fc.oneof(
    { arbitrary: json, weight: 4 },
    { arbitrary: xml, weight: 3 },
    { arbitrary: form, weight: 2 },
    { arbitrary: bytes, weight: 1 },
    { arbitrary: raw, weight: 1 },
    { arbitrary: fc.constant<Body>({ strings: [] }), weight: 1 },
  );
}

/** A query string: the endpoint's fields and hostile keys, encoded, or raw hostile text. */
export function query(ep: Endpoint, w: World): fc.Arbitrary<string> {
  const pairs = fieldsObject(ep, w).map((o) => formText(o).join('&'));
  const raw = fc.constantFrom(
    '%', '%%', 'a=%E0%A4%A', `${'a'}${'[b]'.repeat(40)}=1`, '__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes',
    'page=1&page=2', 'field0=asset_id&term0=%00', 'field9=x&term9=y', `term0=${'z'.repeat(300)}`, 'per_page=-1', '=&=&&',
  );
  return fc.oneof(pairs, raw, fc.constant(''));
}

/** Path parameter values: the tenant's real ids, or hostile ones (encoded; the helper decodes them). */
function pathValue(real: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(real), weight: 4 },
    {
      arbitrary: fc.constantFrom('0', '-1', '1e3', '99999999999999999999', '1.5', ' 1', '\u0000', 'abc', `${real}.xml`, `${real}.json`, '\uFF11', '__proto__', 'x'.repeat(600)),
      weight: 1,
    },
  ).map(encode);
}

export interface HostileRequest {
  spec: RequestSpec;
  /** Exact base64 to send as a binary body (random bytes), instead of spec.body. */
  base64Body?: string;
  strings: string[];
}

/** A whole hostile request for `ep` as tenant `w` (valid credential: the point is the input). */
export function hostileRequest(ep: Endpoint, w: World): fc.Arbitrary<HostileRequest> {
  const valid = ep.valid(w);
  const params = fc.record(Object.fromEntries(Object.entries(valid.params ?? {}).map(([k, v]) => [k, pathValue(v)])));
  return fc
    .tuple(
      fc.constantFrom(...ep.routes),
      params,
      body(ep, w),
      query(ep, w),
      fc.constantFrom(undefined, 'application/xml', '*/*', 'text/html;q=0.5, application/json', 'x/y;q=abc'),
    )
    .map(([route, p, b, q, accept]): HostileRequest => {
      const headers: Record<string, string> = {};
      if (b.contentType) headers['content-type'] = b.contentType;
      if (accept) headers.accept = accept;
      const spec = requestFor(ep, route, credentialFor(ep.surface, tokenOf(ep.surface, w)), { params: p, headers });
      if (q) spec.path = `${spec.path}?${q}`;
      const queryStrings = q ? [...new URLSearchParams(q).values()].filter((v) => v.length > 0 && v.length <= 200 && wellFormed(v)) : [];
      if (b.base64) return { spec, base64Body: b.body!, strings: queryStrings };
      if (b.body !== undefined) spec.body = b.body;
      return { spec, strings: [...b.strings, ...queryStrings] };
    });
}
