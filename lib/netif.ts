// SPDX-License-Identifier: MIT
// netif.ts: where Stealth mode's packets leave from: for each address family in the plan, the
// source address the routing table picks and the interface to capture replies on. The route is
// asked with a connected UDP socket (connect() on UDP sends nothing: it only looks the route up).
// Targets that are this machine's own addresses, or loopback, are reached through 'lo'.
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';

import { ScanError } from './errors';
import { familyOf, formatAddress, isLoopback, parseAddress, type Family } from './ip';

export interface Route {
  family: Family;
  /** Source address as text. */
  source: string;
  /** Interface to capture on. */
  device: string;
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
export async function findRoute(sample: bigint, overrides: { sourceIp?: string; device?: string } = {}): Promise<Route> {
  const family = familyOf(sample);
  let source = overrides.sourceIp;
  if (!source) {
    try {
      source = await routeSource(sample);
    } catch (err) {
      throw new ScanError(`no route to ${formatAddress(sample)}: ${(err as Error).message}`, 'ENOROUTE', 'check the routing table, or give --source-ip and --interface');
    }
  }
  if (source === '0.0.0.0' || source === '::') {
    throw new ScanError(`no route to ${formatAddress(sample)} (no source address)`, 'ENOROUTE', 'check the routing table, or give --source-ip and --interface');
  }
  let device = overrides.device;
  if (!device) {
    const own = deviceOf(formatAddress(sample)) !== undefined;
    device = isLoopback(sample) || own ? loopbackDevice() : deviceOf(source) ?? 'any';
  }
  return { family, source, device };
}
