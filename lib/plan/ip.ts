// SPDX-License-Identifier: MIT
// ip.ts: IPv4 and IPv6 addresses as one number line of bigints. An IPv6 address is its 128-bit
// value; an IPv4 address a.b.c.d sits at ::ffff:a.b.c.d (RFC 4291 2.5.5.2), so one sorted
// interval list holds both families and "::ffff:198.18.0.1" and "198.18.0.1" are the same
// target. Parsing returns null on a malformed address; callers turn that into a ParseError
// that says where.

/** Start of the IPv4-mapped block ::ffff:0.0.0.0. */
export const V4_BASE = 0xffff00000000n;
/** Last address of the IPv4-mapped block ::ffff:255.255.255.255. */
export const V4_LAST = V4_BASE + 0xffffffffn;
export const V6_LAST = (1n << 128n) - 1n;

export type Family = 4 | 6;

export function familyOf(addr: bigint): Family {
  return addr >= V4_BASE && addr <= V4_LAST ? 4 : 6;
}

/** Parses dotted-quad IPv4 (exactly four decimal octets, no leading zeros past one digit). */
export function parseIPv4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

/** Parses an IPv6 address in any RFC 4291 text form (with '::' and a trailing dotted quad). */
export function parseIPv6(s: string): bigint | null {
  if (s.length === 0 || s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return null;
  let text = s;
  if (text.includes('.')) {
    // A trailing dotted quad stands for the last two groups (RFC 4291 2.2, form 3).
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === null || lastColon < 0) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  const back = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === null || back === null) return null;
  const given = head.length + back.length;
  let groups: number[];
  if (halves.length === 2) {
    if (given > 7) return null;
    groups = [...head, ...new Array<number>(8 - given).fill(0), ...back];
  } else {
    if (given !== 8) return null;
    groups = head;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** Parses either family onto the common number line. */
export function parseAddress(s: string): bigint | null {
  if (s.includes(':')) return parseIPv6(s);
  const v4 = parseIPv4(s);
  return v4 === null ? null : V4_BASE + BigInt(v4);
}

/** Formats an address from the common number line: dotted quad for IPv4, RFC 5952 for IPv6. */
export function formatAddress(addr: bigint): string {
  if (familyOf(addr) === 4) {
    const v = Number(addr - V4_BASE);
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((addr >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the first if tied.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Writes an address's bytes (network order) into `out` at `offset`: 4 bytes or 16. */
export function writeAddressBytes(addr: bigint, view: DataView, offset: number): Family {
  if (familyOf(addr) === 4) {
    view.setUint32(offset, Number(addr - V4_BASE), false);
    return 4;
  }
  view.setBigUint64(offset, addr >> 64n, false);
  view.setBigUint64(offset + 8, addr & 0xffffffffffffffffn, false);
  return 6;
}

/** Reads an address back from record bytes. */
export function readAddressBytes(view: DataView, offset: number, family: number): bigint {
  if (family === 4) return V4_BASE + BigInt(view.getUint32(offset, false));
  return (view.getBigUint64(offset, false) << 64n) | view.getBigUint64(offset + 8, false);
}

/** Is this address loopback (127.0.0.0/8 or ::1)? */
export function isLoopback(addr: bigint): boolean {
  if (familyOf(addr) === 4) return ((Number(addr - V4_BASE) >>> 24) & 255) === 127;
  return addr === 1n;
}
