// SPDX-License-Identifier: MIT
// truth.ts: the bench range's pattern of open, closed and silent ports, and the scoring of a
// scan's results against it. The pattern is data (PATTERN): range.ts turns the same data into
// listeners and nftables rules, so what the range does and what the truth says cannot drift
// apart. Every target address of 198.18.0.0/16 has the same listeners; rules keyed on bits of
// the host index h (the address's low 16 bits) make a port silent (dropped) or closed (reset)
// on some hosts. A port with no listener and no rule is closed (the kernel's RST). Scoring counts
// found and missed open ports, false opens, and closed/silent ports reported as the other.
import { isIPv4 } from 'node:net';

export type State = 'open' | 'closed' | 'filtered';

/** One rule: on `ports`, for hosts whose index h satisfies (h & mask) == value (or != with
 * `negate`), the port is dropped (silent, 'filtered') or reset (closed). */
export interface PatternRule {
  ports: [number, number];
  mask: number;
  value: number;
  negate: boolean;
  action: 'drop' | 'reset';
  /** What it does, in words, for the report. */
  text: string;
}

export interface Pattern {
  /** The range every target address belongs to (IPv4 only). */
  network: string;
  /** Ports with a listener on every address. */
  listeners: number[];
  rules: PatternRule[];
}

const every = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

const rule = (
  ports: number | [number, number],
  mask: number,
  value: number,
  negate: boolean,
  action: 'drop' | 'reset',
  text: string,
): PatternRule => ({
  ports: typeof ports === 'number' ? [ports, ports] : ports,
  mask,
  value,
  negate,
  action,
  text,
});

/** The bench range's pattern. */
export const PATTERN: Pattern = Object.freeze({
  network: '198.18.0.0/16',
  listeners: [22, 80, 443, 3389, 8080, ...every(5000, 5126, 2)],
  rules: [
    rule([9100, 9199], 0, 0, false, 'drop', '9100-9199 silent everywhere'),
    rule(22, 0x0f, 0x00, true, 'drop', '22 open where h & 15 == 0, silent elsewhere'),
    rule(443, 0x03, 0x02, false, 'reset', '443 open, closed where h & 3 == 2'),
    rule(8080, 0x07, 0x05, false, 'drop', '8080 open, silent where h & 7 == 5'),
    rule(3389, 0xff, 0x0a, true, 'reset', '3389 open only on hosts whose last octet is 10, closed elsewhere'),
  ],
}) as Pattern;

/** In words, one line per fact, for the report and --help. */
export function describePattern(p: Pattern = PATTERN): string[] {
  return [
    `targets: every address of ${p.network}; h = the address's low 16 bits`,
    '80 open everywhere; 5000-5126 even ports open everywhere (odd ones closed)',
    ...p.rules.map((r) => r.text),
    'every other port closed (RST)',
  ];
}

const BASE = (() => {
  const [a, b] = PATTERN.network.split('.').map(Number) as [number, number];
  return ((a << 24) | (b << 16)) >>> 0;
})();

/** The host index of an IPv4 address of the range, or -1 outside it. */
export function hostIndex(ip: string): number {
  if (!isIPv4(ip)) return -1;
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return (n & 0xffff0000) >>> 0 === BASE ? n & 0xffff : -1;
}

/** The state of `port` on host index h (-1: outside the range: nothing answers). */
export function stateOf(h: number, port: number, p: Pattern = PATTERN): State {
  if (h < 0) return 'filtered';
  for (const r of p.rules) {
    if (port < r.ports[0] || port > r.ports[1]) continue;
    if (((h & r.mask) === r.value) !== r.negate) return r.action === 'drop' ? 'filtered' : 'closed';
  }
  return p.listeners.includes(port) ? 'open' : 'closed';
}

/** The addresses of an IPv4 CIDR block or single address, in order. */
export function expandHosts(spec: string): string[] {
  const [addr, bits = '32'] = spec.split('/');
  const prefix = Number(bits);
  if (!addr || !isIPv4(addr) || !Number.isInteger(prefix) || prefix < 16 || prefix > 32)
    throw new Error(`bench: bad host block '${spec}'`);
  const start = (addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) >>> 0) & ((~0 << (32 - prefix)) >>> 0);
  const out: string[] = [];
  for (let i = 0; i < 2 ** (32 - prefix); i++) {
    const n = (start + i) >>> 0;
    out.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  return out;
}

/** Ports from "1-100,443" text. */
export function expandPorts(spec: string): number[] {
  const out = new Set<number>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [lo, hi = lo] = part.split('-').map(Number) as [number, number?];
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || (hi as number) > 65535 || lo > (hi as number))
      throw new Error(`bench: bad port range '${part}'`);
    for (let q = lo; q <= (hi as number); q++) out.add(q);
  }
  return [...out].sort((a, b) => a - b);
}

/** What a workload should find: the open pairs ("ip port") and the count of each state. */
export interface Expected {
  hosts: number;
  ports: number;
  probes: number;
  open: Set<string>;
  counts: Record<State, number>;
}

export function expected(hostSpec: string, portSpec: string): Expected {
  const hosts = expandHosts(hostSpec);
  const ports = expandPorts(portSpec);
  const open = new Set<string>();
  const counts: Record<State, number> = { open: 0, closed: 0, filtered: 0 };
  for (const ip of hosts) {
    const h = hostIndex(ip);
    for (const port of ports) {
      const s = stateOf(h, port);
      counts[s]++;
      if (s === 'open') open.add(`${ip} ${port}`);
    }
  }
  return { hosts: hosts.length, ports: ports.length, probes: hosts.length * ports.length, open, counts };
}

/** A scan's findings: the open pairs, and (when the scanner reports them) other states. */
export interface Findings {
  open: Set<string>;
  /** "ip port" -> state, for ports reported as closed or filtered (may be partial or empty). */
  other: Map<string, State>;
  /** Ports reported closed/filtered only as counts (nmap's "ignored" ports), not listed. */
  summarised?: Partial<Record<State, number>>;
}

export interface Score {
  expectedOpen: number;
  foundOpen: number;
  missedOpen: number;
  falseOpen: number;
  /** Listed closed/filtered ports whose state is the other one. */
  wrongState: number;
  /** foundOpen / expectedOpen (1 when nothing is expected open). */
  recall: number;
  /** Every open port found and nothing else called open. */
  exact: boolean;
  /** A few examples, for the log. */
  missedExamples: string[];
  falseExamples: string[];
}

/** Scores findings against the truth of a workload. */
export function score(want: Expected, got: Findings): Score {
  let found = 0;
  const missed: string[] = [];
  for (const k of want.open) {
    if (got.open.has(k)) found++;
    else if (missed.length < 5) missed.push(k);
  }
  const falseOpen: string[] = [];
  for (const k of got.open) if (!want.open.has(k)) falseOpen.push(k);
  let wrong = 0;
  for (const [k, s] of got.other) {
    const [ip, port] = k.split(' ') as [string, string];
    const truth = stateOf(hostIndex(ip), Number(port));
    if (truth !== 'open' && truth !== s) wrong++;
  }
  const missedOpen = want.open.size - found;
  return {
    expectedOpen: want.open.size,
    foundOpen: found,
    missedOpen,
    falseOpen: falseOpen.length,
    wrongState: wrong,
    recall: want.open.size === 0 ? 1 : found / want.open.size,
    exact: missedOpen === 0 && falseOpen.length === 0,
    missedExamples: missed,
    falseExamples: falseOpen.slice(0, 5),
  };
}
