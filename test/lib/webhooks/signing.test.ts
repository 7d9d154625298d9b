/** Signatures: this module and the snippet of docs/EVENTS.md agree; tampering, another secret, a stale timestamp fail. */
import { describe, expect, it } from 'vitest';
import { newSecret, signatureHeader, verify } from '../../../lib/webhooks/signing';
import { documentedVerifier } from '../../functions/webhooks/support';

const body = JSON.stringify({ id: 'evt_1', type: 'code.redeemed', data: { code: 'ABC', email: 'a@example.com' } });

describe('webhook signatures', () => {
  const secret = newSecret();
  const now = Math.floor(Date.now() / 1000);
  const header = signatureHeader(secret, now, body);
  const snippet = documentedVerifier();

  it('has the form t=<seconds>,v1=<64 hex digits>, and both checks accept it', () => {
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(header, body, secret, now)).toBe(true);
    expect(snippet(body, header, secret)).toBe(true);
  });

  it('a changed body, another secret or a timestamp outside the window fails both checks', () => {
    const tampered = body.replace('a@example.com', 'b@example.com');
    expect([verify(header, tampered, secret, now), snippet(tampered, header, secret)]).toEqual([false, false]);
    expect([verify(header, body, newSecret(), now), snippet(body, header, newSecret())]).toEqual([false, false]);
    const old = signatureHeader(secret, now - 301, body);
    expect([verify(old, body, secret, now), snippet(old, body, secret)]).toEqual([false, false]);
    expect(verify(old, body, secret, now, 600)).toBe(true);
  });

  it('new secrets are distinct and carry 256 bits', () => {
    const a = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });
});
