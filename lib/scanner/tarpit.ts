// SPDX-License-Identifier: MIT
// tarpit.ts: hosts that answer SYN-ACK on every port (tarpits, some firewalls and proxies) would
// flood the output with tens of thousands of "open" ports that are not services. A host is
// flagged once it has `limit` open ports and at least 90% of its answered ports are open; its
// further open ports are counted, not listed, and the host is reported once as a tarpit.

export interface TarpitReport {
  ip: string;
  /** Open ports seen in all, listed or not. */
  open: number;
  /** Ports with a final state, counted from the host's first open port on. */
  answered: number;
}

const OPEN_SHARE = 0.9;

export class TarpitFilter {
  private readonly hosts = new Map<string, { open: number; answered: number; flagged: boolean }>();

  /** @param limit open ports before a host can be flagged; 0 turns the filter off. */
  constructor(private readonly limit: number) {}

  /**
   * Counts one final state. Returns false when the result is an open port of a flagged host
   * (to count but not list), true otherwise. Hosts with no open port cost nothing.
   */
  admit(ip: string, open: boolean): boolean {
    if (this.limit === 0) return true;
    let h = this.hosts.get(ip);
    if (!h) {
      if (!open) return true;
      h = { open: 0, answered: 0, flagged: false };
      this.hosts.set(ip, h);
    }
    h.answered++;
    if (!open) return true;
    h.open++;
    if (!h.flagged && h.open >= this.limit && h.open >= OPEN_SHARE * h.answered) h.flagged = true;
    return !h.flagged;
  }

  /** The flagged hosts. */
  flagged(): TarpitReport[] {
    const out: TarpitReport[] = [];
    for (const [ip, h] of this.hosts) if (h.flagged) out.push({ ip, open: h.open, answered: h.answered });
    return out;
  }
}
