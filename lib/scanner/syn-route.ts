// SPDX-License-Identifier: MIT
// syn-route.ts: where a SYN scan's probes leave from and how. For each address family in the
// plan: the route toward a sample target (netif.ts: source address and device), the next hop
// read over netlink (the addon's nextHop), and chooseSendPath's verdict (Ethernet frames to the
// gateway's MAC, or a raw IP socket), with the reason -v prints. Sends nothing.
import { familyOf, parseAddress, V4_BASE, V4_LAST, writeAddressBytes } from '../plan/ip';
import type { ScanPlan } from '../plan/plan';
import { UsageError } from '../errors';
import { escapeText } from '../safe-fs';
import type { NativeBinding, NextHopInfo } from '../native/types';
import type { ResolvedOptions } from '../options';
import { chooseSendPath, findRoute, type LinkPath, type Route } from './netif';

/** How each family's probes leave: see chooseSendPath. */
export interface SendPaths {
  v4?: { link?: LinkPath; why: string };
  v6?: { link?: LinkPath; why: string };
}

/** Each family's route, the one capture device for all of them, and how probes leave. */
export interface SynRoutes {
  v4?: Route;
  v6?: Route;
  device: string;
  paths: SendPaths;
}

/** The address's bytes in network order: 4 for IPv4, 16 for IPv6. */
function bytesOf(addr: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const family = writeAddressBytes(addr, new DataView(out.buffer), 0);
  return out.subarray(0, family === 4 ? 4 : 16);
}

/** How one family's probes leave: the next hop toward `sample` (netlink), judged by chooseSendPath. */
function sendPath(
  route: Route,
  sample: bigint,
  opts: ResolvedOptions,
  intervals: Uint8Array,
  binding: NativeBinding,
): { link?: LinkPath; why: string } {
  if (opts.sendPath === 'ip') return chooseSendPath(null, route, 'ip');
  // Routed from the source the probes carry, as the kernel would for a raw IP socket.
  const source = opts.sourceIp ? addressBytes(opts.sourceIp, route.family) : null;
  // Only 'auto' checks that one route serves every target (a dump of every routing table).
  const auto = opts.sendPath === 'auto' && !opts.routerMac;
  let hop: NextHopInfo | null = null;
  try {
    hop = binding.nextHop(route.family, bytesOf(sample), source, auto ? intervals : undefined);
  } catch {
    hop = null; // no route: the raw IP path says so when it sends
  }
  return chooseSendPath(hop, route, opts.sendPath, opts.routerMac);
}

/**
 * The routes for each family present in the plan, one capture device for all of them, and how
 * each family's probes leave. `intervals` is the plan packed by packIntervals (syn.ts).
 */
export async function routesFor(
  plan: ScanPlan,
  opts: ResolvedOptions,
  intervals: Uint8Array,
  binding: NativeBinding,
): Promise<SynRoutes> {
  const ivs = plan.hosts.intervals();
  const firstV4 = ivs.find((iv) => iv.end >= V4_BASE && iv.start <= V4_LAST);
  const firstV6 = ivs.find((iv) => iv.start < V4_BASE || iv.end > V4_LAST);
  const overrides = {
    ...(opts.sourceIp ? { sourceIp: opts.sourceIp } : {}),
    ...(opts.device ? { device: opts.device } : {}),
  };
  const v4Sample = firstV4 ? (firstV4.start < V4_BASE ? V4_BASE : firstV4.start) : undefined;
  // An interval may straddle the IPv4 block: its first IPv6 address is then just past it.
  const v6Sample = firstV6
    ? firstV6.start < V4_BASE || firstV6.start > V4_LAST
      ? firstV6.start
      : V4_LAST + 1n
    : undefined;
  const v4 = v4Sample !== undefined ? await findRoute(v4Sample, overrides) : undefined;
  const v6 = v6Sample !== undefined ? await findRoute(v6Sample, overrides) : undefined;
  const devices = new Set([v4?.device, v6?.device].filter((d): d is string => d !== undefined));
  const paths: SendPaths = {};
  if (v4 && v4Sample !== undefined) paths.v4 = sendPath(v4, v4Sample, opts, intervals, binding);
  if (v6 && v6Sample !== undefined) paths.v6 = sendPath(v6, v6Sample, opts, intervals, binding);
  return {
    ...(v4 ? { v4 } : {}),
    ...(v6 ? { v6 } : {}),
    device: devices.size === 1 ? ([...devices][0] as string) : 'any',
    paths,
  };
}

export function addressBytes(text: string, family: 4 | 6): Uint8Array {
  const addr = parseAddress(text);
  if (addr === null || familyOf(addr) !== family)
    throw new UsageError(`source address '${escapeText(text, 40)}' is not IPv${family}`);
  return bytesOf(addr);
}
