/**
 * DynamoDB's published item size rules, applied to marshalled items (AttributeValue maps):
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 * Hand-written because the rules are a dozen lines and the npm size calculators found are
 * unmaintained or round differently; each rule below is the documented one.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Marshalled = Record<string, AttributeValue>;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** "1 byte per two significant digits + 1 byte"; leading and trailing zeros are trimmed. */
function numberSize(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function binarySize(b: Uint8Array | string): number {
  return typeof b === 'string' ? Buffer.from(b, 'base64').length : b.length;
}

/** Size of a value without its attribute name. */
export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return binarySize(v.B);
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS) return v.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (v.BS) return v.BS.reduce((sum, b) => sum + binarySize(b), 0);
  // List and Map: 3 bytes, plus 1 byte per element (documented overhead)
  if (v.L) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + 1 + utf8(k) + valueSize(e), 0);
  return 0;
}

/** Sum over the attributes of (UTF-8 length of the name + size of the value). */
export function itemSize(item: Marshalled | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + valueSize(value);
  return size;
}

/** Write units of one item write: 1 KB units, at least 1. */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Read units of `bytes` read in one unit of account (an item, or a Query/Scan page): 4 KB units, at least 1. */
export const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
