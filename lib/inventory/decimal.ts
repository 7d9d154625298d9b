/**
 * Exact decimal arithmetic on strings, for quantities and costs (SPEC section 3: 0.1 + 0.2
 * is 0.3, never 0.30000000000000004). A value is a BigInt of units at a decimal scale;
 * nothing here ever goes through a JS float except `toJsonNumber`, which only does so when
 * the float prints back as exactly the same text.
 *
 * Canonical text: no exponent, no leading zeros, no trailing fractional zeros, no "-0"
 * (`"014.50"` -> `"14.5"`). This is also how DynamoDB stores and returns numbers.
 */

interface Dec {
  units: bigint;
  scale: number;
}

/**
 * Limits that keep every stored quantity representable as a JSON number whose text is the
 * exact decimal (a double holds any 15 significant digits exactly), and keep the BigInt
 * work tiny whatever a client sends.
 */
export const MAX_SIGNIFICANT_DIGITS = 15;
export const MAX_DECIMAL_PLACES = 10;
const MAX_INPUT_LENGTH = 64;

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

function parse(text: string): Dec | undefined {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return undefined;
  const [, sign, int = '', frac = '', exp = '0'] = m;
  if (int === '' && frac === '') return undefined;
  let units = BigInt(int + frac || '0');
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalize({ units: sign === '-' ? -units : units, scale });
}

/** Drops trailing zeros so equal values have one representation. */
function normalize(d: Dec): Dec {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

function format(d: Dec): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const int = digits.slice(0, digits.length - d.scale);
  const frac = digits.slice(digits.length - d.scale);
  return (negative ? '-' : '') + int + (frac ? `.${frac}` : '');
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function fitsLimits(d: Dec): boolean {
  const digits = (d.units < 0n ? -d.units : d.units).toString().replace(/^0+/, '');
  return d.scale <= MAX_DECIMAL_PLACES && digits.length <= MAX_SIGNIFICANT_DIGITS;
}

function dec(text: string): Dec {
  const d = parse(text);
  if (!d) throw new Error(`Not a decimal: ${text}`);
  return d;
}

/**
 * The canonical text of a JSON number or a numeric string, or undefined when it is not a
 * plain decimal within the limits. A JS number is read from its shortest round-trip text,
 * which is the text the client sent for any value a client can mean exactly.
 */
export function parseDecimal(input: unknown): string | undefined {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    text = String(input);
  } else if (typeof input === 'string' && input.length <= MAX_INPUT_LENGTH) {
    text = input;
  } else {
    return undefined;
  }
  const d = parse(text);
  return d && fitsLimits(d) ? format(d) : undefined;
}

export function addDecimals(a: string, b: string): string {
  const [x, y, scale] = align(dec(a), dec(b));
  return format(normalize({ units: x + y, scale }));
}

export function subtractDecimals(a: string, b: string): string {
  const [x, y, scale] = align(dec(a), dec(b));
  return format(normalize({ units: x - y, scale }));
}

/** -1, 0 or 1. */
export function compareDecimals(a: string, b: string): number {
  const [x, y] = align(dec(a), dec(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when a computed result still fits the storage limits. */
export function withinLimits(value: string): boolean {
  return fitsLimits(dec(value));
}

/** A JSON number when the double prints back as exactly this text, else the text itself. */
export function toJsonNumber(value: string): number | string {
  const n = Number(value);
  return String(n) === value ? n : value;
}

/** Rails BigDecimal#to_s: at least one fractional digit (`14` -> `14.0`), as the seed shows. */
export function toRailsDecimal(value: string): string {
  return value.includes('.') ? value : `${value}.0`;
}
