/**
 * XML request bodies -> plain objects, following Rails `Hash.from_xml` (SPEC §3).
 *
 * Pipeline: cheap structural pre-scan (DOCTYPE/ENTITY, depth, single root) ->
 * fast-xml-parser's validator (well-formedness) -> parser in preserveOrder mode ->
 * our own Rails-style conversion. The pre-scan runs first so hostile documents are
 * rejected before any library code builds a tree.
 *
 * Decisions (see the brief / SPEC):
 * - type="decimal" stays the exact decimal STRING ("0.1"), never a float: quantities and
 *   prices must stay exact end to end (DynamoDB numbers are exact decimals).
 * - type="integer" / "float" that do not look like numbers (or integers beyond 2^53) are
 *   kept as their trimmed string instead of Rails' silent `to_i` -> 0, so the validation
 *   layer can reject them rather than store a wrong number.
 * - Leaf text is kept exactly as sent (not trimmed), like Rails; typed values are trimmed
 *   before coercion. Whitespace between child elements is ignored.
 * - Attributes other than `type` and `nil` are ignored (Rails would merge them in; SPEC
 *   says ignore). Text mixed with child elements is ignored.
 * - Element names that are Object.prototype members (`__proto__`, `constructor`,
 *   `toString`, ...) or `prototype` are dropped, so they can never reach a prototype or
 *   shadow a method that later code calls.
 * - Entities: the library's entity processing is OFF; we decode only the five predefined
 *   XML entities and numeric character references ourselves. Anything else is malformed.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlErrorReason = 'doctype' | 'depth' | 'malformed';

/** Maximum element nesting (the root element is level 1). */
export const MAX_XML_DEPTH = 32;

const MESSAGES: Record<XmlErrorReason, string> = {
  doctype: 'XML with a DOCTYPE or entity declaration is not accepted',
  depth: `XML nesting deeper than ${MAX_XML_DEPTH} levels`,
  malformed: 'Malformed XML',
};

/** A request body that must be answered with 400; `message` is safe to show the client. */
export class XmlError extends Error {
  readonly reason: XmlErrorReason;

  constructor(reason: XmlErrorReason) {
    super(MESSAGES[reason]);
    this.name = 'XmlError';
    this.reason = reason;
  }
}

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';
/** Stand-in name for unsafe elements; '#' cannot start a real XML name. */
const BLOCKED = '#blocked';
const UNSAFE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Dashes become underscores (Rails); unsafe names are neutralised before the library sees them. */
function toKey(tagName: string): string {
  const key = tagName.includes('-') ? tagName.replaceAll('-', '_') : tagName;
  return UNSAFE_KEYS.has(key) ? BLOCKED : key;
}

const parser = new XMLParser({
  preserveOrder: true, // keeps siblings in order so repeats and arrays follow Rails
  ignoreAttributes: (name: string) => name !== 'type' && name !== 'nil',
  attributeNamePrefix: '',
  parseTagValue: false, // coercion is driven by type="..." only
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false, // nothing is ever expanded by the library
  htmlEntities: false,
  cdataPropName: CDATA, // kept apart so CDATA text is not entity-decoded
  ignoreDeclaration: true,
  ignorePiTags: true,
  transformTagName: toKey,
  maxNestedTags: MAX_XML_DEPTH + 1, // second line of defence behind scanStructure
  jPath: false,
});

export function parseXml(text: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new XmlError('malformed');
  // Tolerate a BOM and leading white space (SPEC: a body "starts with < after white space").
  const xml = text.replace(/^\uFEFF/, '').trimStart();
  scanStructure(xml);
  if (XMLValidator.validate(xml) !== true) throw new XmlError('malformed');

  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch {
    throw new XmlError('malformed');
  }
  const out: Record<string, unknown> = {};
  for (const node of nodes as OrderedNode[]) {
    const name = elementName(node);
    if (name === undefined) continue;
    if (name !== BLOCKED) out[name] = convert(node[name] as OrderedNode[], attrsOf(node));
    return out;
  }
  throw new XmlError('malformed');
}

// ---------------------------------------------------------------- pre-scan

const DECLARATION = /<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
/** `<?xml ...?>` may only open the document. */
const XML_DECLARATION = /^<\?xml[\s?]/i;

/**
 * One linear pass over the markup: rejects declarations (even inside CDATA or comments,
 * erring on the safe side), nesting deeper than MAX_XML_DEPTH (stopping at the first
 * offending tag, so a 1 MiB tower of tags costs microseconds), and text or a second
 * element outside the root, which the library validator lets through.
 */
function scanStructure(s: string): void {
  if (DECLARATION.test(s)) throw new XmlError('doctype');
  let depth = 0;
  let roots = 0;
  let end = 0;
  let i = s.indexOf('<');
  while (i !== -1) {
    if (depth === 0) requireBlank(s, end, i);
    if (s.startsWith('<?', i)) {
      end = after(s, '?>', i + 2);
      if (i > 0 && XML_DECLARATION.test(s.slice(i, i + 6))) throw new XmlError('malformed');
    }
    else if (s.startsWith('<!--', i)) end = after(s, '-->', i + 4);
    else if (s.startsWith('<![CDATA[', i)) end = after(s, ']]>', i + 9);
    else if (s.startsWith('<!', i)) throw new XmlError('malformed');
    else if (s.startsWith('</', i)) {
      end = after(s, '>', i + 2);
      depth -= 1;
    } else {
      if (depth === 0 && ++roots > 1) throw new XmlError('malformed');
      end = tagEnd(s, i + 1);
      const selfClosing = s.charCodeAt(end - 2) === 47; // '/'
      if (!selfClosing && ++depth > MAX_XML_DEPTH) throw new XmlError('depth');
    }
    i = s.indexOf('<', end);
  }
  requireBlank(s, end, s.length);
}

function requireBlank(s: string, from: number, to: number): void {
  if (to > from && s.slice(from, to).trim() !== '') throw new XmlError('malformed');
}

/** Index just past `token`, searching from `from`. */
function after(s: string, token: string, from: number): number {
  const j = s.indexOf(token, from);
  if (j === -1) throw new XmlError('malformed');
  return j + token.length;
}

/** Index just past the '>' closing a start tag; a '>' inside a quoted attribute value does not count. */
function tagEnd(s: string, from: number): number {
  for (let j = from; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 62) return j + 1; // '>'
    if (c === 34 || c === 39) {
      // skip a quoted attribute value
      j = s.indexOf(c === 34 ? '"' : "'", j + 1);
      if (j === -1) break;
    }
  }
  throw new XmlError('malformed');
}

// ---------------------------------------------------------------- conversion

/** A preserveOrder node: `{ [tagName]: children, ':@'?: attributes }` or `{ '#text': string }`. */
type OrderedNode = Record<string, unknown>;
type Attrs = Record<string, unknown> | undefined;

function elementName(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) {
    if (key !== ATTRS && key !== TEXT && key !== CDATA) return key;
  }
  return undefined;
}

function attrsOf(node: OrderedNode): Attrs {
  return node[ATTRS] as Attrs;
}

function convert(children: OrderedNode[], attrs: Attrs): unknown {
  const type = attrs?.type;
  if (attrs?.nil === 'true') return null;

  let text = '';
  const elements: OrderedNode[] = [];
  for (const child of children) {
    if (Object.hasOwn(child, TEXT)) text += decodeEntities(String(child[TEXT]));
    else if (Object.hasOwn(child, CDATA)) text += cdataText(child[CDATA]);
    else elements.push(child);
  }

  if (type === 'array') return toArray(elements);
  if (elements.length > 0) return toHash(elements);
  if (type === undefined) return text === '' ? null : text; // <a/> and <a></a> are nil
  if (type === 'string') return text; // Rails: <a type="string"/> is ""
  if (text.trim() === '') return null; // Rails: a typed element with blank content is nil
  return coerce(text, String(type));
}

/**
 * Rails uses the first group of same-named children as the entries and ignores others;
 * whitespace or text alone gives [].
 */
function toArray(elements: OrderedNode[]): unknown[] {
  const out: unknown[] = [];
  let itemName: string | undefined;
  for (const node of elements) {
    const name = elementName(node);
    if (name === undefined || name === BLOCKED) continue;
    itemName ??= name;
    if (name === itemName) out.push(convert(node[name] as OrderedNode[], attrsOf(node)));
  }
  return out;
}

/** Child elements become keys; a name seen more than once collects its values in an array. */
function toHash(elements: OrderedNode[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const repeated = new Set<string>();
  for (const node of elements) {
    const name = elementName(node);
    if (name === undefined || name === BLOCKED) continue;
    const value = convert(node[name] as OrderedNode[], attrsOf(node));
    if (!Object.hasOwn(out, name)) {
      out[name] = value;
    } else if (repeated.has(name)) {
      (out[name] as unknown[]).push(value);
    } else {
      out[name] = [out[name], value];
      repeated.add(name);
    }
  }
  return out;
}

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function coerce(text: string, type: string): unknown {
  switch (type) {
    case 'integer': {
      const t = text.trim();
      const n = Number(t);
      return INTEGER.test(t) && Number.isSafeInteger(n) ? n + 0 : t; // + 0 turns -0 into 0
    }
    case 'float':
    case 'double': {
      const t = text.trim();
      const n = Number(t);
      return FLOAT.test(t) && Number.isFinite(n) ? n + 0 : t;
    }
    case 'boolean': {
      const t = text.trim();
      return t === 'true' || t === '1';
    }
    case 'decimal': // exact string on purpose, see the header comment
    case 'date':
    case 'datetime':
    case 'dateTime':
      return text.trim();
    default: // a type we do not coerce: the text as sent
      return text;
  }
}

function cdataText(value: unknown): string {
  // preserveOrder shape: [{ '#text': '...' }]
  const parts = Array.isArray(value) ? (value as OrderedNode[]) : [];
  return parts.map((p) => String(p[TEXT] ?? '')).join('');
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|\w+);/g;

/** Decodes the five predefined entities and character references; nothing else is known. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(REFERENCE, (_m, ref: string) => {
    if (ref.charCodeAt(0) !== 35 /* # */) {
      const ch = Object.hasOwn(PREDEFINED, ref) ? PREDEFINED[ref] : undefined;
      if (ch === undefined) throw new XmlError('malformed');
      return ch;
    }
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (!isXmlChar(code)) throw new XmlError('malformed');
    return String.fromCodePoint(code);
  });
}

/** The XML 1.0 `Char` production. */
function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}
