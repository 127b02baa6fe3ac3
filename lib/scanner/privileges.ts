// SPDX-License-Identifier: MIT
// privileges.ts: can this process run Stealth (SYN) mode? It needs CAP_NET_RAW (raw sockets and
// packet capture) and libpcap. Decides --mode auto once, and says why SYN mode is unavailable
// with the fix, for an explicit --mode syn. (Giving privileges up is lib/cli/privdrop.ts.)
import { readFileSync } from 'node:fs';

import type { NativeBinding } from '../native/types';

const CAP_NET_RAW = 13;

/** Does the process hold CAP_NET_RAW in its effective set (Linux /proc/self/status CapEff)? */
export function hasNetRaw(): boolean {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    if (!m) return process.getuid?.() === 0;
    return ((BigInt(`0x${m[1]}`) >> BigInt(CAP_NET_RAW)) & 1n) === 1n;
  } catch {
    return process.getuid?.() === 0;
  }
}

/** null when SYN mode can run; otherwise one line saying why and how to fix it. */
export function synUnavailable(binding: NativeBinding): string | null {
  if (!hasNetRaw()) {
    return (
      'SYN mode needs raw sockets (CAP_NET_RAW): run as root (the scan drops to --user, the sudo user ' +
      'or nobody once its sockets are open), or with CAP_NET_RAW on a dedicated copy of node, never on ' +
      'every node script (README: Privileges), or use --mode connect'
    );
  }
  const pcap = binding.pcapError();
  if (pcap !== null)
    return `SYN mode needs libpcap (${pcap}): install it (apt-get install libpcap0.8) or use --mode connect`;
  return null;
}
