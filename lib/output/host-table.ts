// SPDX-License-Identifier: MIT
// host-table.ts: the seed's per-host view. For each host: its open ports, the number of closed
// (RST) ports and the number of silent (no reply) ports; with --full also every closed and
// silent port. Without --full only counts are kept, so a large scan's memory does not grow per
// closed port.
import type { PortState } from '../scanner/classify';
import { parseAddress, V4_BASE, V4_LAST } from '../plan/ip';
import type { PortResult } from '../scanner/result';
import { serviceLabel } from '../service/record';

export interface HostRow {
  ip: string;
  open: number[];
  closed: number;
  filtered: number;
  /** Ports with no final state (a local error). */
  other: number;
  closedPorts?: number[];
  filteredPorts?: number[];
  /** With -sV: each identified open port's label ("ssh OpenSSH 9.2p1"). */
  labels?: Map<number, string>;
}

export class HostTable {
  private readonly rows = new Map<string, HostRow>();
  constructor(private readonly keepLists: boolean) {}

  /** Keeps an identified result's label for its port's table cell. */
  label(r: PortResult): void {
    const row = this.row(r.ip);
    (row.labels ??= new Map()).set(r.port, serviceLabel(r));
  }

  private row(ip: string): HostRow {
    let row = this.rows.get(ip);
    if (!row) {
      row = { ip, open: [], closed: 0, filtered: 0, other: 0 };
      if (this.keepLists) {
        row.closedPorts = [];
        row.filteredPorts = [];
      }
      this.rows.set(ip, row);
    }
    return row;
  }

  add(ip: string, port: number, state: PortState): void {
    const row = this.row(ip);
    if (state === 'open') row.open.push(port);
    else if (state === 'closed') {
      row.closed++;
      row.closedPorts?.push(port);
    } else if (state === 'filtered') {
      row.filtered++;
      row.filteredPorts?.push(port);
    } else row.other++;
  }

  /** Rows in address order (IPv4 first), ports sorted. */
  list(): HostRow[] {
    const rows = [...this.rows.values()];
    const byNumber = (a: number, b: number): number => a - b;
    for (const row of rows) {
      row.open.sort(byNumber);
      row.closedPorts?.sort(byNumber);
      row.filteredPorts?.sort(byNumber);
    }
    // Parse each address once, not once per comparison.
    const keyed = rows.map((row) => ({ row, key: ipSortKey(row.ip) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return keyed.map((k) => k.row);
  }
}

/** IPv4 sorts before IPv6, each numerically. */
export function ipSortKey(ip: string): bigint {
  const addr = parseAddress(ip) ?? 0n;
  return addr >= V4_BASE && addr <= V4_LAST ? addr - V4_BASE : addr + (1n << 128n);
}
