/**
 * Plain values -> XML response bodies, in the seeds' layout (SPEC §3): declaration line,
 * then the root pretty-printed with 2-space indentation, ending in a newline.
 *
 * Written by hand (not XMLBuilder) to control the empty forms exactly:
 * null/undefined -> `<a/>`, '' -> `<a></a>`, {} -> `<a/>` (with railsTypes `<a>\n</a>`, as
 * Rails writes an empty hash), [] -> `<a/>` (or `<a type="array"/>` with railsTypes).
 * This runs for every XML response, so it avoids
 * per-character work: escaping is one regex test, names are sanitised once and cached.
 */

export interface ToXmlOptions {
  /** Underscores in element names become dashes (course-units surface: `extra-payment`). */
  dasherize?: boolean;
  /**
   * Rails `to_xml` type attributes, so Rails clients read values back with their types:
   * arrays ` type="array"`, integers ` type="integer"`, other numbers ` type="decimal"`,
   * booleans ` type="boolean"`.
   */
  railsTypes?: boolean;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function toXml(root: string, value: unknown, opts: ToXmlOptions = {}): string {
  return DECLARATION + element(root, value, '', opts);
}

function element(rawName: string, value: unknown, indent: string, opts: ToXmlOptions): string {
  const name = xmlName(rawName, opts.dasherize === true);
  if (value === null || value === undefined) return `${indent}<${name}/>\n`;

  const scalar = scalarText(value);
  if (scalar !== undefined) {
    const type = opts.railsTypes === true ? railsType(value, scalar) : '';
    return `${indent}<${name}${type}>${escapeText(scalar)}</${name}>\n`;
  }

  const inner = indent + '  ';
  let body = '';
  let open = `<${name}`;
  if (Array.isArray(value)) {
    if (opts.railsTypes === true) open += ' type="array"';
    const item = singular(rawName);
    for (const v of value) body += element(item, v, inner, opts);
  } else {
    for (const key of Object.keys(value as object)) {
      body += element(key, (value as Record<string, unknown>)[key], inner, opts);
    }
  }
  if (body !== '') return `${indent}${open}>\n${body}${indent}</${name}>\n`;
  // Rails writes an empty hash open and closed on two lines; `Hash.from_xml` reads that back
  // as a (blank) value, where `<a/>` would be nil.
  if (opts.railsTypes === true && !Array.isArray(value)) return `${indent}${open}>\n${indent}</${name}>\n`;
  return `${indent}${open}/>\n`;
}

/** The type attribute Rails writes for a leaf; strings carry none. */
function railsType(value: unknown, text: string): string {
  if (typeof value === 'boolean') return ' type="boolean"';
  if (typeof value === 'number' || typeof value === 'bigint' || (typeof value === 'object' && !(value instanceof Date))) {
    return /^-?\d+$/.test(text) ? ' type="integer"' : ' type="decimal"';
  }
  return '';
}

/** The text of a value written as a leaf, or undefined for arrays and plain objects. */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      if (value instanceof Date) return value.toISOString();
      if (value !== null && isNumberValue(value)) return value.value;
      return undefined;
    default: // functions and symbols have no XML form; write them as empty text
      return '';
  }
}

/**
 * `@aws-sdk/util-dynamodb` NumberValue (exact decimals) and look-alikes: an object with a
 * string `value` and its own toString. A plain record that merely has a `value` field
 * still inherits Object.prototype.toString, so it is written as an element with children.
 */
function isNumberValue(value: object): value is { value: string } {
  const v = value as { value?: unknown; toString?: unknown };
  return typeof v.value === 'string' && typeof v.toString === 'function' &&
    v.toString !== Object.prototype.toString;
}

/** `inventory_units` -> `inventory_unit`, `entries` -> `entry`, `class` stays; no trailing s stays. */
export function singular(name: string): string {
  if (name.endsWith('ies') && name.length > 3) return name.slice(0, -3) + 'y';
  if (name.endsWith('s') && !name.endsWith('ss') && name.length > 1) return name.slice(0, -1);
  return name;
}

/** One cache per naming style, so a lookup needs no key built per element. */
const nameCaches = { plain: new Map<string, string>(), dasherized: new Map<string, string>() };
const NAME_CACHE_LIMIT = 1000; // names mostly come from code; bound it in case one does not

/** A valid XML name: dashes for underscores if asked, anything unexpected becomes `_`. */
function xmlName(raw: string, dasherize: boolean): string {
  const cache = dasherize ? nameCaches.dasherized : nameCaches.plain;
  let name = cache.get(raw);
  if (name === undefined) {
    name = raw.replace(/[^A-Za-z0-9_.-]/g, '_');
    if (dasherize) name = name.replaceAll('_', '-');
    if (!/^[A-Za-z_]/.test(name)) name = '_' + name; // names cannot start with a digit, '-', '.'
    if (cache.size >= NAME_CACHE_LIMIT) cache.clear();
    cache.set(raw, name);
  }
  return name;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
};
/**
 * Markup characters, plus characters XML 1.0 cannot carry at all (C0 controls other than
 * tab/LF/CR, U+FFFE/U+FFFF, unpaired surrogates); those become U+FFFD so the document
 * stays well-formed.
 */
const UNSAFE_TEXT =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const UNSAFE_TEXT_TEST = new RegExp(UNSAFE_TEXT.source); // non-global: no lastIndex state

export function escapeText(text: string): string {
  if (!UNSAFE_TEXT_TEST.test(text)) return text;
  return text.replace(UNSAFE_TEXT, (c) => ESCAPES[c] ?? '\uFFFD');
}
