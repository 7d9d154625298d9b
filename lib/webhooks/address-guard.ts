/**
 * SSRF guard: a webhook may reach only public addresses. Checked where the connection is made
 * (the `lookup` the HTTP request resolves with, send.ts), so the address checked is the address
 * connected to, at every delivery: a name that resolves elsewhere later (DNS rebinding) is
 * checked again. The ranges are node's own net.BlockList (no hand-written CIDR arithmetic).
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

/** Private, loopback, link-local (cloud metadata at 169.254.169.254 / fd00:ec2::254), CGNAT, multicast, reserved. */
function blocked(allowLoopback: boolean): BlockList {
  const list = new BlockList();
  const v4: [string, number][] = [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
    ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ];
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  const v6: [string, number][] = [['::', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]];
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  if (!allowLoopback) {
    list.addSubnet('127.0.0.0', 8, 'ipv4');
    list.addAddress('::1', 'ipv6');
  }
  return list;
}

const lists = { strict: blocked(false), loopback: blocked(true) };

export class BlockedAddressError extends Error {
  constructor(address: string) {
    super(`refused: ${address} is not a public address`);
  }
}

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is checked as the IPv4 address it maps. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

export function isBlocked(address: string, allowLoopback = false): boolean {
  const a = unmapped(address);
  const family = isIP(a);
  if (!family) return true;
  return (allowLoopback ? lists.loopback : lists.strict).check(a, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request: resolves, refuses the name if any of its addresses is blocked. */
export function guardedLookup(allowLoopback: boolean) {
  return (hostname: string, options: { all?: boolean } | number, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const bad = addresses.find((a) => isBlocked(a.address, allowLoopback));
      if (bad || !addresses.length) return callback(new BlockedAddressError(bad?.address ?? hostname), '');
      const all = typeof options === 'object' && options.all;
      if (all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
