// SPDX-License-Identifier: MIT
// found.ts: what one bench:nmap run found on its one host: the open ports, and how many ports were
// closed, filtered or anything else; read from portscan's NDJSON (--full: one object per port) or
// from nmap's XML (through the shared reader, lib/bench/peers/nmap.ts: listed ports plus the
// counted <extraports>); compared between runs and put in words.
import { readFileSync } from 'node:fs';

import { readNmapXml } from '../../lib/bench/peers/nmap';

export interface Found {
  open: number[];
  closed: number;
  filtered: number;
  other: Record<string, number>;
  /** Ports accounted for. */
  total: number;
}

const none = (): Found => ({ open: [], closed: 0, filtered: 0, other: {}, total: 0 });

function add(found: Found, state: string, n = 1): void {
  if (state === 'closed') found.closed += n;
  else if (state === 'filtered') found.filtered += n;
  else found.other[state] = (found.other[state] ?? 0) + n;
  found.total += n;
}

/** Counts one port of `state`; an open one is listed. */
function port(found: Found, p: number, state: string): void {
  if (state === 'open') {
    found.open.push(p);
    found.total++;
  } else add(found, state);
}

/** portscan's NDJSON (--full): one object per port, of host `target`. */
export function readPortscanNdjson(path: string, target: string): Found {
  const found = none();
  const seen = new Set<number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { ip: string; port: number; state: string };
    if (r.ip !== target) throw new Error(`unexpected address ${r.ip} in ${path}`);
    if (seen.has(r.port)) throw new Error(`port ${r.port} reported twice in ${path}`);
    seen.add(r.port);
    port(found, r.port, r.state);
  }
  found.open.sort((a, b) => a - b);
  return found;
}

/** nmap's -oX of host `target`, and nmap's own elapsed time. */
export function readNmapFound(path: string, target: string): { found: Found; elapsed: number | undefined } {
  const xml = readNmapXml(readFileSync(path, 'utf8'));
  if (!xml.finished) throw new Error(`${path} is incomplete (no <finished>)`);
  if (xml.hosts.length !== 1) throw new Error(`${path} lists ${xml.hosts.length} hosts, expected 1 (${target})`);
  const found = none();
  const host = xml.hosts[0] as (typeof xml.hosts)[number];
  for (const p of host.ports) port(found, p.port, p.state);
  for (const e of host.extra) add(found, e.state, e.count);
  found.open.sort((a, b) => a - b);
  return { found, elapsed: xml.elapsedS };
}

export function sameFound(a: Found, b: Found): boolean {
  const keys = (o: Record<string, number>): string => JSON.stringify(Object.entries(o).sort());
  return (
    a.open.join(',') === b.open.join(',') &&
    a.closed === b.closed &&
    a.filtered === b.filtered &&
    a.total === b.total &&
    keys(a.other) === keys(b.other)
  );
}

export function describeFound(f: Found | null): string {
  if (!f) return 'no result';
  const other = Object.entries(f.other)
    .map(([s, n]) => `, ${n} ${s}`)
    .join('');
  return `open ${f.open.join(',') || '-'}; ${f.closed} closed; ${f.filtered} filtered${other}`;
}
