// SPDX-License-Identifier: MIT
// targets.ts: every target form, parsed onto one RangeList of addresses (ip.ts). Accepted, in
// any mix: an IPv4 or IPv6 address; a start-end range of either family; CIDR of either family;
// nmap octet ranges ("198.18.0-1.1-10", "*" for 0-255); hostnames, resolved to the address
// that is scanned (reported to the caller). Tokens are separated by spaces or commas. Errors
// name the bad token and its column (always within the text) and are thrown before anything is
// sent. Octet patterns are the one form whose cost is not linear in its text, so the intervals
// they expand to are capped per target list, not only per pattern.
import { promises as dns } from 'node:dns';

import { ParseError } from '../errors';
import { readInputFile, shownPath } from '../safe-fs';
import { familyOf, formatAddress, parseAddress, V4_BASE } from './ip';
import { RangeList } from './range-list';

/** A hostname found in the target text, to be resolved before scanning. */
export interface HostnameRef {
  name: string;
  input: string;
  column: number;
}

/** The parsed targets: address intervals plus hostnames not yet resolved. */
export interface TargetSpec {
  ranges: RangeList;
  hostnames: HostnameRef[];
}

/** What a hostname resolved to, for the "scanning X as Y" notice. */
export interface Resolution {
  name: string;
  address: string;
}

const MAX_OCTET_INTERVALS = 1 << 20;
/** Intervals that octet patterns have added to each list so far (see parseOctets). */
const octetIntervals = new WeakMap<RangeList, number>();
/** One DNS label: 1-63 letters, digits, '_' or '-', not starting or ending with '-'. */
const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
/** A hostname: labels joined by dots, 253 characters at most, an optional final dot. */
const HOSTNAME = new RegExp(`^(?=.{1,253}\\.?$)${LABEL}(?:\\.${LABEL})*\\.?$`);

/** Splits text on spaces and commas, keeping each token's 1-based column. */
export function tokenize(input: string): { token: string; column: number }[] {
  const out: { token: string; column: number }[] = [];
  const re = /[^\s,]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(input)) !== null) out.push({ token: m[0], column: m.index + 1 });
  return out;
}

/** Parses target text into `spec` (created when absent). */
export function parseTargets(input: string, spec: TargetSpec = { ranges: new RangeList(), hostnames: [] }): TargetSpec {
  for (const { token, column } of tokenize(input)) parseToken(token, input, column, spec);
  return spec;
}

/** How much of a bad line of a target file a message may quote. */
const FILE_EXCERPT = 24;

/** Reads targets from a file ("-" = stdin): tokens separated by white space or commas, '#' comments. */
export function parseTargetFile(path: string, spec?: TargetSpec): TargetSpec {
  const text = readInputFile(path, 'target file').toString('utf8');
  let out = spec ?? { ranges: new RangeList(), hostnames: [] };
  text.split(/\r?\n/).forEach((line, i) => {
    const body = line.replace(/#.*/, '');
    try {
      out = parseTargets(body, out);
    } catch (err) {
      // A line of a file may be a secret (root reading /etc/shadow): quote 24 characters at most.
      if (err instanceof ParseError) {
        throw new ParseError(`${err.what} (line ${i + 1} of ${shownPath(path)})`, line, err.column, FILE_EXCERPT);
      }
      throw err;
    }
  });
  return out;
}

function parseToken(token: string, input: string, column: number, spec: TargetSpec): void {
  const slash = token.indexOf('/');
  if (slash >= 0) return parseCidr(token, slash, input, column, spec.ranges);
  const dash = token.indexOf('-');
  if (dash > 0) {
    const right = token.slice(dash + 1);
    // "a.b.c.d-e.f.g.h" is an address range; "1-2.3.4.5" is an octet pattern (left not a quad).
    const quads = token.slice(0, dash).split('.').length === 4 && right.split('.').length === 4;
    if (quads && /^[\d.]+-[\d.]+$/.test(token)) return parseRange(token, dash, input, column, spec.ranges);
    if (token.includes(':')) return parseRange(token, dash, input, column, spec.ranges);
  }
  const addr = parseAddress(token);
  if (addr !== null) {
    spec.ranges.add(addr, addr);
    return;
  }
  // Four parts, three of them octets, is an IPv4 pattern with a typo ("127.0.0.x"), not a name:
  // parseOctets names the bad octet.
  const parts = token.split('.');
  if (parts.length === 4 && parts.filter((p) => /^[\d*-]+$/.test(p)).length >= 3) {
    return parseOctets(token, input, column, spec.ranges);
  }
  // Only digits, dots, dashes and stars, or an all-numeric last label (no top-level domain is
  // numeric, RFC 3696 2), is a malformed address or range, not a name: never ask DNS about it.
  const lastLabel = token.replace(/\.$/, '').split('.').pop() ?? '';
  if (/^[\d.*-]+$/.test(token) || /^\d+$/.test(lastLabel) || token.includes(':') || !HOSTNAME.test(token)) {
    throw new ParseError(`bad target '${token}'`, input, column);
  }
  spec.hostnames.push({ name: token, input, column });
}

function parseCidr(token: string, slash: number, input: string, column: number, out: RangeList): void {
  const baseText = token.slice(0, slash);
  const base = parseAddress(baseText);
  if (base === null) throw new ParseError(`bad address '${baseText}' in '${token}'`, input, column);
  const lenText = token.slice(slash + 1);
  // The prefix counts bits of the address as written: 0-32 for a dotted quad, 0-128 for IPv6
  // text, even when that names an IPv4-mapped address (::ffff:10.0.0.0/104 is 10.0.0.0/8).
  const v6 = baseText.includes(':');
  const maxLen = v6 ? 128 : 32;
  if (!/^(0|[1-9]\d{0,2})$/.test(lenText) || Number(lenText) > maxLen) {
    const why = /^0\d/.test(lenText) ? `0-${maxLen}, no leading zero` : `0-${maxLen}`;
    throw new ParseError(`bad prefix length '/${lenText}' (${why})`, input, column + slash);
  }
  const hostBits = BigInt(maxLen - Number(lenText));
  const offset = v6 ? 0n : V4_BASE;
  const value = base - offset;
  const start = (value >> hostBits) << hostBits;
  out.add(offset + start, offset + start + (1n << hostBits) - 1n);
}

function parseRange(token: string, dash: number, input: string, column: number, out: RangeList): void {
  const left = token.slice(0, dash);
  const right = token.slice(dash + 1);
  const a = parseAddress(left);
  if (a === null) throw new ParseError(`bad address '${left}' in range '${token}'`, input, column);
  const b = parseAddress(right);
  // An empty right side ("::1-") is reported at the dash: there is no column after it.
  if (b === null)
    throw new ParseError(`bad address '${right}' in range '${token}'`, input, column + dash + (right === '' ? 0 : 1));
  if (familyOf(a) !== familyOf(b)) throw new ParseError(`range '${token}' mixes IPv4 and IPv6`, input, column);
  if (a > b)
    throw new ParseError(`reversed range '${token}' (${formatAddress(a)} is after ${formatAddress(b)})`, input, column);
  out.add(a, b);
}

/** nmap octet ranges: each of four octets is n, a-b or *; the set is their product. */
function parseOctets(token: string, input: string, column: number, out: RangeList): void {
  const parts = token.split('.');
  const bounds: [number, number][] = [];
  let at = column;
  for (const p of parts) {
    const m = /^(?:(\*)|(\d{1,3})(?:-(\d{1,3}))?)$/.exec(p);
    // An empty last octet ("1.2.3.") is reported at the dot before it, the token's last column.
    if (!m) throw new ParseError(`bad octet '${p}' in '${token}'`, input, Math.min(at, column + token.length - 1));
    const lo = m[1] ? 0 : Number(m[2]);
    const hi = m[1] ? 255 : m[3] !== undefined ? Number(m[3]) : lo;
    if (lo > 255 || hi > 255) throw new ParseError(`bad octet '${p}' in '${token}' (above 255)`, input, at);
    // inet_aton and many tools read "010" as octal 8: refuse it rather than guess.
    if (/(^|-)0\d/.test(p)) {
      throw new ParseError(`bad octet '${p}' in '${token}' (leading zero: octal in some tools)`, input, at);
    }
    if (lo > hi) throw new ParseError(`reversed octet range '${p}' in '${token}'`, input, at);
    bounds.push([lo, hi]);
    at += p.length + 1;
  }
  // Octets after the last partial one are whole (0-255), so each combination of the earlier
  // octets is one contiguous interval.
  let k = 3;
  while (k > 0 && bounds[k]?.[0] === 0 && bounds[k]?.[1] === 255) k--;
  let combos = 1;
  for (let i = 0; i < k; i++) combos *= (bounds[i] as [number, number])[1] - (bounds[i] as [number, number])[0] + 1;
  if (combos > MAX_OCTET_INTERVALS) throw new ParseError(`octet pattern '${token}' is too fragmented`, input, column);
  // The cap holds for the whole list too: each pattern below it, a long list of them (a 1 MB
  // argument, a target file) would still build billions of intervals and exhaust memory.
  const used = octetIntervals.get(out) ?? 0;
  if (combos > MAX_OCTET_INTERVALS - used) {
    throw new ParseError(
      `octet pattern '${token}' takes the target list past ${MAX_OCTET_INTERVALS} octet-pattern intervals`,
      input,
      column,
    );
  }
  octetIntervals.set(out, used + combos);
  const span = 256 ** (3 - k);
  const walk = (i: number, prefix: number): void => {
    const [lo, hi] = bounds[i] as [number, number];
    if (i === k) {
      out.add(V4_BASE + BigInt((prefix * 256 + lo) * span), V4_BASE + BigInt((prefix * 256 + hi) * span + span - 1));
      return;
    }
    for (let v = lo; v <= hi; v++) walk(i + 1, prefix * 256 + v);
  };
  walk(0, 0);
}

/**
 * Resolves hostnames to one address each (the first the resolver gives, IPv4 preferred, as nmap
 * does) and adds them to the ranges. Names under .invalid never resolve and names under
 * .localhost are loopback (RFC 6761 6.3, 6.4), so neither sends a DNS query.
 */
export async function resolveHostnames(spec: TargetSpec): Promise<Resolution[]> {
  const out: Resolution[] = [];
  for (const ref of spec.hostnames) {
    const name = ref.name.replace(/\.$/, '').toLowerCase();
    let addr: bigint | null = null;
    if (name === 'localhost' || name.endsWith('.localhost')) {
      addr = parseAddress('127.0.0.1');
    } else if (!(name === 'invalid' || name.endsWith('.invalid'))) {
      try {
        const found = await dns.lookup(name, { all: true });
        const pick = found.find((f) => f.family === 4) ?? found[0];
        if (pick) addr = parseAddress(pick.address);
      } catch {
        addr = null;
      }
    }
    if (addr === null) throw new ParseError(`cannot resolve hostname '${ref.name}'`, ref.input, ref.column);
    spec.ranges.add(addr, addr);
    out.push({ name: ref.name, address: formatAddress(addr) });
  }
  spec.hostnames = [];
  return out;
}
