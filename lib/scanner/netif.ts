// SPDX-License-Identifier: MIT
// netif.ts: where Stealth mode's packets leave from: for each address family in the plan, the
// source address the routing table picks and the interface to capture replies on. The route is
// asked with a connected UDP socket (connect() on UDP sends nothing: it only looks the route up).
// Targets that are this machine's own addresses, or loopback, are reached through 'lo'. And how
// probes leave (chooseSendPath): as Ethernet frames to the gateway's MAC, which the kernel's
// neighbour table knows (read over netlink by the addon), or through a raw IP socket.
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';

import { ScanError } from '../errors';
import { familyOf, formatAddress, isLoopback, parseAddress, readAddressBytes, type Family } from '../plan/ip';
import type { NextHopInfo } from '../native/types';

export interface Route {
  family: Family;
  /** Source address as text. */
  source: string;
  /** Interface to capture on. */
  device: string;
}

/** Ethernet frames out of one interface, to one MAC. */
export interface LinkPath {
  ifindex: number;
  srcMac: Uint8Array;
  dstMac: Uint8Array;
}

const ARPHRD_ETHER = 1;

export function formatMac(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}

function formatGateway(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return formatAddress(bytes.length === 4 ? readAddressBytes(view, 0, 4) : readAddressBytes(view, 0, 6));
}

/**
 * How one family's probes leave, and why (for -v): the link path when the route to the targets
 * goes out of an Ethernet interface through a gateway whose MAC is known (or given), else a raw
 * IP socket. Every frame goes to one MAC, so 'auto' takes the link path only when that one route
 * covers every target of the family and no other route (more specific, local, unreachable, ...)
 * overlaps them; the raw IP socket routes each probe on its own. `want` 'link' (or a routerMac)
 * is the user's choice and skips that check; when it cannot be met at all it throws, saying why.
 * 'ip' never uses the link path.
 */
export function chooseSendPath(
  hop: NextHopInfo | null,
  route: Route,
  want: 'auto' | 'link' | 'ip',
  routerMac?: Uint8Array,
): { link?: LinkPath; why: string } {
  const ip = (why: string): { why: string } => {
    if (want === 'link')
      throw new ScanError(
        `--send link is not possible for ${route.family === 4 ? 'IPv4' : 'IPv6'}: ${why}`,
        'ENOLINK',
        'use --send ip (or auto)',
      );
    return { why: `raw IP socket (${why})` };
  };
  if (want === 'ip') return { why: 'raw IP socket (--send ip)' };
  if (routerMac) want = 'link';
  if (hop === null) return ip('no route in the routing table');
  if (hop.ifindex === 0 || hop.device === '')
    return ip('the route has no single next hop (multipath or a nexthop object)');
  if (hop.device !== route.device) return ip(`the capture interface ${route.device} is not the route's ${hop.device}`);
  if (hop.linkType !== ARPHRD_ETHER) return ip(`${hop.device} has no Ethernet link layer`);
  if (want === 'auto' && !hop.coversPlan) {
    return ip(`the targets are not all within the route's /${hop.prefixLen}: each is routed on its own`);
  }
  if (want === 'auto' && hop.overlapping > 0) {
    const routes = hop.overlapping === 1 ? 'route overlaps' : 'routes overlap';
    return ip(`${hop.overlapping} more specific or special ${routes} the targets: each is routed on its own`);
  }
  const mac = routerMac ?? hop.gatewayMac;
  if (!mac) {
    return ip(
      hop.gateway
        ? `the gateway ${formatGateway(hop.gateway)}'s MAC is not in the neighbour table yet`
        : 'the targets are on-link, each with its own MAC',
    );
  }
  const to = routerMac ? '--router-mac' : `gateway ${formatGateway(hop.gateway as Uint8Array)}`;
  return {
    link: { ifindex: hop.ifindex, srcMac: hop.deviceMac, dstMac: mac },
    why: `Ethernet frames on ${hop.device} to ${formatMac(mac)} (${to})`,
  };
}

/** The source address the kernel would use to reach `target`. */
function routeSource(target: bigint): Promise<string> {
  const fam = familyOf(target);
  return new Promise((resolve, reject) => {
    // Addresses here are always numeric: a lookup that returns them as they are keeps the
    // resolver (and any DNS traffic) out of it.
    const sock = createSocket({
      type: fam === 4 ? 'udp4' : 'udp6',
      lookup: (host, _opts, cb) => (cb as (e: null, a: string, f: number) => void)(null, host, fam),
    });
    sock.on('error', (err) => {
      sock.close();
      reject(err);
    });
    // Port 9 (discard) is only a placeholder: a UDP connect() sends no packet.
    sock.connect(9, formatAddress(target), () => {
      const { address } = sock.address();
      sock.close();
      resolve(address);
    });
  });
}

/** The interface that holds `address`, and whether it is this machine's own. */
function deviceOf(address: string): string | undefined {
  const want = parseAddress(address);
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    for (const a of addrs ?? []) if (parseAddress(a.address.split('%')[0] as string) === want) return name;
  }
  return undefined;
}

function loopbackDevice(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) if (addrs?.some((a) => a.internal)) return name;
  return 'lo';
}

/**
 * Finds the route for a sample target of a family. `overrides` come from --source-ip and
 * --interface. Throws ScanError('ENOROUTE') when there is no route.
 */
export async function findRoute(
  sample: bigint,
  overrides: { sourceIp?: string; device?: string } = {},
): Promise<Route> {
  const family = familyOf(sample);
  let source = overrides.sourceIp;
  if (!source) {
    try {
      source = await routeSource(sample);
    } catch (err) {
      throw new ScanError(
        `no route to ${formatAddress(sample)}: ${(err as Error).message}`,
        'ENOROUTE',
        'check the routing table, or give --source-ip and --interface',
      );
    }
  }
  if (source === '0.0.0.0' || source === '::') {
    throw new ScanError(
      `no route to ${formatAddress(sample)} (no source address)`,
      'ENOROUTE',
      'check the routing table, or give --source-ip and --interface',
    );
  }
  let device = overrides.device;
  if (!device) {
    const own = deviceOf(formatAddress(sample)) !== undefined;
    device = isLoopback(sample) || own ? loopbackDevice() : (deviceOf(source) ?? 'any');
  }
  return { family, source, device };
}
