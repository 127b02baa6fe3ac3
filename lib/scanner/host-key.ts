// SPDX-License-Identifier: MIT
// host-key.ts: a host's identity in connect mode's per-host bookkeeping (congestion.ts): an IPv4
// address as a 32-bit number, an IPv6 address as a bigint, from an address on ip.ts's number line
// or from a probe packed in records.ts's layout.
import { TARGET } from '../native/records';
import { familyOf, readAddressBytes, V4_BASE } from '../plan/ip';

/** A host's identity: its IPv4 address as a 32-bit number, or its IPv6 address. */
export type HostKey = number | bigint;

/** The key of an address on ip.ts's number line. */
export function hostKeyOf(addr: bigint): HostKey {
  return familyOf(addr) === 4 ? Number(addr - V4_BASE) : addr;
}

/**
 * The key of the probe packed at `offset` of `bytes`: a target's head or a result record (both
 * open with address and family at the same offsets, see records.ts).
 */
export function hostKeyAt(bytes: Uint8Array, offset: number): HostKey {
  const a = offset + TARGET.addr_n;
  if (bytes[offset + TARGET.family] !== 4) {
    return readAddressBytes(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), a, 6);
  }
  return (
    (((bytes[a] as number) << 24) |
      ((bytes[a + 1] as number) << 16) |
      ((bytes[a + 2] as number) << 8) |
      (bytes[a + 3] as number)) >>>
    0
  );
}
