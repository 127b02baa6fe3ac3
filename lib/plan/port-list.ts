// SPDX-License-Identifier: MIT
// port-list.ts: the seed's port syntax. Single ports and ranges separated by commas, spaces
// allowed ("21, 22, 25, 80-88, 1000-1024, 6666"); "-" or "all" for 1-65535; nmap's open ends
// ("-1024", "60000-"); nmap's service names and T: prefix ("ssh,http*,T:8080": port-names.ts;
// U:, S: and P: are refused: TCP only). The default is the seed's Standard list. Output is sorted and unique,
// so no port is probed twice however the list overlaps, and parsing costs time linear in the
// text however many of its ranges span all 65535 ports.
import { ParseError } from '../errors';
import { portsNamed } from './port-names';

/** The seed's Standard list of 32 ports (portscan-help.txt). */
export const STANDARD_PORTS: readonly number[] = Object.freeze([
  7, 9, 11, 13, 17, 19, 21, 23, 25, 43, 53, 70, 79, 80, 88, 110, 111, 113, 119, 135, 139, 143, 389, 443, 445, 512, 513,
  1080, 1512, 3128, 6667, 8080,
]);

export const MAX_PORT = 65535;

/** Parses a port list; throws ParseError naming the bad token and its 1-based column. */
export function parsePortList(input: string): Uint16Array {
  const text = input.trim();
  if (text === '-' || text.toLowerCase() === 'all') return allPorts();
  // ends[p]: the furthest end of the ranges that start at p (0 for none). One sweep then lists
  // every port up to the furthest end reached so far, instead of filling each range in turn.
  const ends = new Uint16Array(MAX_PORT + 1);
  let any = false;
  const names = new Set<string>();
  const re = /[^,]+/g;
  let m: RegExpExecArray | null;
  if (text === '') throw new ParseError('empty port list', input, 1);
  // Empty items between commas ("80,,443") are a typo worth reporting, at the stray comma: the
  // second of a pair, a leading one, or a trailing one.
  const empty = /^\s*,|,\s*,|,\s*$/.exec(input);
  if (empty) {
    const stray = empty[0].endsWith(',') ? empty.index + empty[0].length : empty.index + 1;
    throw new ParseError('empty item in port list', input, stray);
  }
  while ((m = re.exec(input)) !== null) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    let token = raw.trim();
    let column = m.index + lead + 1;
    const proto = /^([A-Za-z]):\s*/.exec(token);
    if (proto && proto[1]?.toUpperCase() !== 'T') {
      throw new ParseError(`'${token}': portscan scans TCP only (${proto[1]}: is not TCP)`, input, column);
    }
    if (proto) [token, column] = [token.slice(proto[0].length), column + proto[0].length];
    if (/^[A-Za-z*?]/.test(token)) {
      // A name repeated adds nothing: looked up once, however many times the list gives it.
      if (!names.has(token.toLowerCase()))
        for (const p of named(token, input, column)) ends[p] = Math.max(ends[p] as number, p);
      names.add(token.toLowerCase());
    } else {
      const [lo, hi] = parsePortToken(token, input, column);
      if (hi > (ends[lo] as number)) ends[lo] = hi;
    }
    any = true;
  }
  if (!any) throw new ParseError('empty port list', input, 1);
  const listed: number[] = [];
  for (let p = 1, reach = 0; p <= MAX_PORT; p++) {
    reach = Math.max(reach, ends[p] as number);
    if (p <= reach) listed.push(p);
  }
  return Uint16Array.from(listed);
}

/** A service name's ports; ParseError when the name is unknown. */
function named(token: string, input: string, column: number): number[] {
  const ports = /^[\w.+/:*?-]{1,64}$/.test(token) ? portsNamed(token) : [];
  if (ports.length === 0) throw new ParseError(`unknown port or service name '${token}'`, input, column);
  return ports;
}

function parsePortToken(token: string, input: string, column: number): [number, number] {
  const range = /^(\d*)\s*-\s*(\d*)$/.exec(token);
  if (range) {
    const [, a = '', b = ''] = range;
    const lo = a === '' ? 1 : checkPort(a, input, column);
    const hiColumn = column + token.lastIndexOf(b === '' ? '-' : b);
    const hi = b === '' ? MAX_PORT : checkPort(b, input, hiColumn);
    if (lo > hi) throw new ParseError(`reversed port range '${token}'`, input, column);
    return [lo, hi];
  }
  return [checkPort(token, input, column), checkPort(token, input, column)];
}

function checkPort(token: string, input: string, column: number): number {
  if (!/^\d+$/.test(token)) throw new ParseError(`bad port '${token}'`, input, column);
  const n = Number(token);
  if (n === 0) throw new ParseError(`bad port '${token}' (port 0 cannot be scanned)`, input, column);
  if (n > MAX_PORT) throw new ParseError(`bad port '${token}' (above ${MAX_PORT})`, input, column);
  return n;
}

function allPorts(): Uint16Array {
  const out = new Uint16Array(MAX_PORT);
  for (let i = 0; i < MAX_PORT; i++) out[i] = i + 1;
  return out;
}

/** Compresses a sorted port list to "1-5,7,9-10" form. */
export function compressPorts(ports: ArrayLike<number>): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ports.length) {
    const start = ports[i] as number;
    let end = start;
    while (i + 1 < ports.length && (ports[i + 1] as number) === end + 1) {
      end++;
      i++;
    }
    parts.push(start === end ? String(start) : `${start}-${end}`);
    i++;
  }
  return parts.join(',');
}
