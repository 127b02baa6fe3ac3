// SPDX-License-Identifier: MIT
// special-ranges.ts: the default exclusions. IANA's special-purpose address registries (RFC 6890
// and its updates), with multicast and the reserved blocks: addresses that are private, local,
// documentation, benchmarking, translation or not for unicast, so a scan of "the Internet"
// (0.0.0.0/0, ::/0, a big block) leaves them out. A target that lies wholly inside one of them
// (127.0.0.1, 10.1.2.0/24, the testbed's 198.18.0.0/16 and 2001:2::/112) is scanned as given:
// the user named it. One table, data only.
import { parseAddress } from './ip';
import { RangeList, type Interval } from './range-list';

/** CIDR blocks, IPv4 then IPv6, each with what it is. */
export const SPECIAL_RANGES: readonly (readonly [string, string])[] = Object.freeze([
  ['0.0.0.0/8', '"this network" (RFC 791)'],
  ['10.0.0.0/8', 'private (RFC 1918)'],
  ['100.64.0.0/10', 'shared address space (RFC 6598)'],
  ['127.0.0.0/8', 'loopback (RFC 1122)'],
  ['169.254.0.0/16', 'link local (RFC 3927)'],
  ['172.16.0.0/12', 'private (RFC 1918)'],
  ['192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', 'documentation TEST-NET-1 (RFC 5737)'],
  ['192.31.196.0/24', 'AS112-v4 (RFC 7535)'],
  ['192.52.193.0/24', 'AMT (RFC 7450)'],
  ['192.88.99.0/24', 'deprecated 6to4 relay anycast (RFC 7526)'],
  ['192.168.0.0/16', 'private (RFC 1918)'],
  ['192.175.48.0/24', 'direct delegation AS112 (RFC 7534)'],
  ['198.18.0.0/15', 'benchmarking (RFC 2544)'],
  ['198.51.100.0/24', 'documentation TEST-NET-2 (RFC 5737)'],
  ['203.0.113.0/24', 'documentation TEST-NET-3 (RFC 5737)'],
  ['224.0.0.0/4', 'multicast (RFC 5771)'],
  ['240.0.0.0/4', 'reserved (RFC 1112)'],
  ['255.255.255.255/32', 'limited broadcast (RFC 919)'],
  ['::/128', 'unspecified (RFC 4291)'],
  ['::1/128', 'loopback (RFC 4291)'],
  ['::ffff:0:0/96', 'IPv4-mapped (RFC 4291): IPv4 is scanned as IPv4 targets'],
  ['64:ff9b::/96', 'IPv4-IPv6 translation (RFC 6052)'],
  ['64:ff9b:1::/48', 'local-use IPv4-IPv6 translation (RFC 8215)'],
  ['100::/64', 'discard-only (RFC 6666)'],
  ['2001::/23', 'IETF protocol assignments (RFC 2928)'],
  ['2001:db8::/32', 'documentation (RFC 3849)'],
  ['2002::/16', '6to4 (RFC 3056)'],
  ['3fff::/20', 'documentation (RFC 9637)'],
  ['5f00::/16', 'segment routing SIDs (RFC 9602)'],
  ['fc00::/7', 'unique local (RFC 4193)'],
  ['fe80::/10', 'link local (RFC 4291)'],
  ['ff00::/8', 'multicast (RFC 4291)'],
]);

/** The table as [start, end] on the common number line (ip.ts). */
const INTERVALS: readonly (readonly [bigint, bigint])[] = SPECIAL_RANGES.map(([cidr]) => {
  const [base = '', len = ''] = cidr.split('/');
  const bits = base.includes(':') ? 128 : 32;
  const start = parseAddress(base) as bigint;
  return [start, start + (1n << BigInt(bits - Number(len))) - 1n] as const;
});

/** The first index in `items` (sorted, disjoint) for which `past(item)` holds, or items.length. */
function firstWhere(items: readonly Interval[], past: (i: Interval) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(items[mid] as Interval)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Takes the special ranges out of `hosts`, but only out of a target interval that is not
 * wholly inside the range (0.0.0.0/0 loses 10.0.0.0/8; 10.1.2.0/24 keeps itself). Returns how
 * many addresses were left out. Of the intervals that meet a range, all but the first and the
 * last lie inside it, so only those two are looked at: time per range is logarithmic.
 */
export function removeSpecialRanges(hosts: RangeList): bigint {
  const items = hosts.intervals();
  const cut = new RangeList();
  for (const [start, end] of INTERVALS) {
    const first = firstWhere(items, (t) => t.end >= start);
    const last = firstWhere(items, (t) => t.start > end) - 1;
    for (const k of new Set([first, last])) {
      const t = items[k];
      if (t === undefined || t.end < start || t.start > end || (t.start >= start && t.end <= end)) continue;
      cut.add(start > t.start ? start : t.start, end < t.end ? end : t.end);
    }
  }
  const before = hosts.count();
  hosts.subtract(cut);
  return before - hosts.count();
}
