// SPDX-License-Identifier: MIT
// nmap-hosts.ts: the per-host view nmap's forms (XML, grepable, normal) are written from, and
// nmap's rule for which ports are listed one by one and which are summed up as "extraports"
// ("Not shown: N closed tcp ports"). nmap lists every open port; a closed or filtered state is
// summed up when the host has more than 25 ports in it (nmap without -v), or always with --open.
// Summed-up states are given largest first (a tie: closed before filtered, nmap's state order).
// Memory per host is bounded: counts per state and per reason, the open ports, and at most
// LIST_MAX + 1 ports of any other state (past that the state is summed up and its list dropped).
import type { PortState } from '../scanner/classify';
import { ipSortKey } from './host-table';

/** nmap's threshold: a state with more ports than this is summed up, not listed. */
export const LIST_MAX = 25;

/** nmap's state numbers order the summed-up states on a tie (closed 1, filtered 3). */
const STATE_ORDER: Record<string, number> = { closed: 1, filtered: 3 };

/** What service identification (-sV) said of an open port, as nmap's <service> has it. */
export interface NmapService {
  name: string;
  product?: string;
  version?: string;
  extrainfo?: string;
  tunnel?: 'ssl';
  method: 'probed' | 'table';
  conf: number;
}

export interface NmapPort {
  port: number;
  state: PortState;
  reason: string;
  /** With -sV, once identified; else the name comes from the services table. */
  service?: NmapService;
}

export interface ExtraPorts {
  state: PortState;
  count: number;
  /** Reasons of the ports summed up, most frequent first. */
  reasons: { reason: string; count: number }[];
}

export interface NmapHost {
  ip: string;
  family: 4 | 6;
  openCount: number;
  /** Summed-up states, largest first. */
  extra: ExtraPorts[];
  /** Listed ports, in port order. */
  ports: NmapPort[];
}

interface StateTally {
  count: number;
  reasons: Map<string, number>;
  /** Dropped (undefined) once the state has more than LIST_MAX ports. */
  listed: NmapPort[] | undefined;
}

interface HostTally {
  ip: string;
  states: Map<PortState, StateTally>;
  /** With -sV: the identified open ports (only those are kept). */
  services?: Map<number, NmapService>;
}

export class NmapHostTable {
  private readonly hosts = new Map<string, HostTally>();

  /** Hosts with at least one port in a final state. */
  get size(): number {
    return this.hosts.size;
  }

  add(ip: string, port: number, state: PortState, reason: string): void {
    if (state === 'unknown') return; // a local error: nmap has no such state
    let host = this.hosts.get(ip);
    if (!host) {
      host = { ip, states: new Map() };
      this.hosts.set(ip, host);
    }
    let t = host.states.get(state);
    if (!t) {
      t = { count: 0, reasons: new Map(), listed: [] };
      host.states.set(state, t);
    }
    t.count++;
    t.reasons.set(reason, (t.reasons.get(reason) ?? 0) + 1);
    if (t.listed && (state === 'open' || t.listed.length <= LIST_MAX)) t.listed.push({ port, state, reason });
    else t.listed = undefined;
  }

  /** Keeps what -sV identified on an open port (its result comes after its state). */
  identify(ip: string, port: number, service: NmapService): void {
    const host = this.hosts.get(ip);
    if (host) (host.services ??= new Map()).set(port, service);
  }

  /** Hosts in address order (IPv4 first); with `openOnly`, only hosts with an open port. */
  list(openOnly: boolean): NmapHost[] {
    const out: NmapHost[] = [];
    for (const host of this.hosts.values()) {
      const openCount = host.states.get('open')?.count ?? 0;
      if (openOnly && openCount === 0) continue;
      out.push(view(host, openOnly));
    }
    const keyed = out.map((h) => ({ h, key: ipSortKey(h.ip) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return keyed.map((k) => k.h);
  }
}

function view(host: HostTally, openOnly: boolean): NmapHost {
  const extra: ExtraPorts[] = [];
  const ports: NmapPort[] = [];
  for (const [state, t] of host.states) {
    const summed = state !== 'open' && (openOnly || t.count > LIST_MAX || !t.listed);
    if (summed) {
      const reasons = [...t.reasons].map(([reason, count]) => ({ reason, count }));
      reasons.sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
      extra.push({ state, count: t.count, reasons });
    } else ports.push(...(t.listed ?? []));
  }
  extra.sort((a, b) => b.count - a.count || (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9));
  ports.sort((a, b) => a.port - b.port);
  const services = host.services;
  const listed = services
    ? ports.map((p) => (services.has(p.port) ? { ...p, service: services.get(p.port) } : p))
    : ports;
  return {
    ip: host.ip,
    family: host.ip.includes(':') ? 6 : 4,
    openCount: host.states.get('open')?.count ?? 0,
    extra,
    ports: listed,
  };
}
