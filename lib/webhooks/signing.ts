/**
 * Webhook signatures, like Stripe's: header `Allot-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(secret, `<t>.<raw body>`). A receiver recomputes it over the raw body it got,
 * compares in constant time and refuses a timestamp outside its replay window (default 5
 * minutes). docs/EVENTS.md has the same check as a snippet for receivers;
 * test/lib/webhooks/signing.test.ts checks this module against that snippet. node:crypto only: no library adds anything here.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Allot-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new signing secret: 256 bits from the system's CSPRNG. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signature(secret, timestamp, body)}`;
}

/** true when `header` signs `body` with `secret` and its timestamp is within `toleranceSeconds` of `nowSeconds`. */
export function verify(header: string, body: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): boolean {
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2);
    if (k && v) parts.set(k.trim(), [...(parts.get(k.trim()) ?? []), v.trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, t, body), 'hex');
  return (parts.get('v1') ?? []).some((v) => {
    const got = Buffer.from(v, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
