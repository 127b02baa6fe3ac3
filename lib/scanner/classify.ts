// SPDX-License-Identifier: MIT
// classify.ts: what a reply means. A native result (kind + errno) becomes a port state and a
// reason, or "try again". Policy only: nmap's vocabulary (open / closed / filtered, with
// reasons syn-ack, conn-refused, no-response, host-unreach, ...), and unlike the seed's
// Conventional mode, closed (RST) and silent (no answer) are told apart.
import { constants } from 'node:os';

import { Kind } from '../native/records';

export type PortState = 'open' | 'closed' | 'filtered' | 'unknown';

export interface Verdict {
  /** The port's state, or null when the probe should be sent again. */
  state: PortState | null;
  reason: string;
}

const E = constants.errno;

/** Errno values that mean an ICMP error or a local firewall stood in the way. */
const FILTERED_REASONS = new Map<number, string>([
  [E.EHOSTUNREACH, 'host-unreach'],
  [E.ENETUNREACH, 'net-unreach'],
  [E.EACCES, 'admin-prohibited'],
  [E.EPERM, 'admin-prohibited'],
  [E.ETIMEDOUT, 'no-response'],
  [E.EPROTO, 'proto-unreach'],
]);

/**
 * Classifies one finished probe.
 * @param attempt 0 for the first try
 * @param retries how many times a silent probe is sent again
 */
export function classify(kind: Kind, err: number, attempt: number, retries: number): Verdict {
  switch (kind) {
    case Kind.Connected:
      return { state: 'open', reason: 'syn-ack' };
    case Kind.Refused:
      return { state: 'closed', reason: 'conn-refused' };
    case Kind.Timeout:
      return attempt < retries ? { state: null, reason: 'no-response' } : { state: 'filtered', reason: 'no-response' };
    default: {
      if (err === E.ECONNRESET) return { state: 'closed', reason: 'reset' };
      const filtered = FILTERED_REASONS.get(err);
      if (filtered) return { state: 'filtered', reason: filtered };
      const name = Object.entries(E).find(([, v]) => v === err)?.[0] ?? `errno ${err}`;
      return attempt < retries ? { state: null, reason: name } : { state: 'unknown', reason: `error:${name}` };
    }
  }
}

/** ICMP (type 3) and ICMPv6 (type 1) unreachable codes, as nmap names the reasons. */
const ICMP4_REASONS: Record<number, string> = {
  0: 'net-unreach',
  1: 'host-unreach',
  2: 'proto-unreach',
  3: 'port-unreach',
  9: 'net-prohibited',
  10: 'host-prohibited',
  13: 'admin-prohibited',
};
const ICMP6_REASONS: Record<number, string> = {
  0: 'no-route',
  1: 'admin-prohibited',
  3: 'addr-unreach',
  4: 'port-unreach',
};

// The three common verdicts, shared (classifySyn runs once per result at full rate).
const SYN_OPEN: Readonly<Verdict> = Object.freeze({ state: 'open', reason: 'syn-ack' });
const SYN_CLOSED: Readonly<Verdict> = Object.freeze({ state: 'closed', reason: 'reset' });
const SYN_SILENT: Readonly<Verdict> = Object.freeze({ state: 'filtered', reason: 'no-response' });

/**
 * Classifies one final SYN-mode result (the native engine has already done the retries):
 * SYN-ACK -> open, RST -> closed, ICMP unreachable -> filtered with its reason, no answer
 * after every try -> filtered (the seed's "silent").
 */
export function classifySyn(kind: Kind, err: number, family: number): Readonly<Verdict> {
  switch (kind) {
    case Kind.Connected:
      return SYN_OPEN;
    case Kind.Refused:
      return SYN_CLOSED;
    case Kind.Timeout:
      return SYN_SILENT;
    case Kind.Icmp: {
      const code = err & 0xff;
      const names = family === 6 ? ICMP6_REASONS : ICMP4_REASONS;
      return { state: 'filtered', reason: names[code] ?? `icmp-unreach-${code}` };
    }
    default:
      return { state: 'unknown', reason: `kind-${kind}` };
  }
}
