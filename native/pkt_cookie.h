// SPDX-License-Identifier: MIT
// pkt_cookie.h: the stateless SYN cookie of Stealth mode. Each probe's sequence number is a keyed
// hash of its 4-tuple, so the receive side recognises its own replies without keeping a table of
// probes sent (ZMap/masscan design): a SYN-ACK or RST answers our probe iff ack - 1 equals the
// cookie of the reversed tuple; an ICMP error answers it iff the quoted seq equals the cookie.
// The hash is SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012),
// keyed with 128 bits chosen per scan, so a third party cannot forge replies without the key.
// This file does not pick the key (the engine draws it from the OS random source) and does not
// parse frames (pkt_parse).
#pragma once

#include <cstddef>
#include <cstdint>

#include "record.h"

namespace portscan {

/// A SipHash key: k0 holds key bytes 0..7 and k1 bytes 8..15, each read little-endian, as in the
/// paper's reference code.
struct CookieKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};

/// Builds a key from 16 bytes (e.g. from getrandom(2) or crypto.randomBytes(16)).
CookieKey CookieKeyFromBytes(const uint8_t* key_bytes16);

/// SipHash-2-4 of `len` bytes at `data` under `key`: 2 compression rounds per 8-byte block and
/// 4 finalisation rounds. Returns the 64-bit output (the paper's bytes read little-endian).
uint64_t SipHash24(const CookieKey& key, const uint8_t* data, size_t len);

/// The cookie for a probe from `src_addr_n`:`src_port_h` to `dst_addr_n`:`dst_port_h`: the low 32
/// bits of SipHash-2-4 over src addr | dst addr | src port | dst port (ports big-endian). Addresses
/// are 4 bytes for `family` kFamilyV4 and 16 for kFamilyV6, network order. Used as the SYN's seq.
uint32_t SynCookie(const CookieKey& key, uint8_t family, const uint8_t* src_addr_n, const uint8_t* dst_addr_n,
                   uint16_t src_port_h, uint16_t dst_port_h);

/// True iff a TCP reply from `reply_src_addr_n`:`reply_src_port_h` to
/// `reply_dst_addr_n`:`reply_dst_port_h` carrying acknowledgment number `ack_h` answers one of our
/// probes: ack - 1 (mod 2^32) == SynCookie of the reversed tuple. The caller must still check that
/// the ACK flag is set (an RST without ACK carries no usable ack).
bool CookieMatches(const CookieKey& key, uint8_t family, const uint8_t* reply_src_addr_n,
                   const uint8_t* reply_dst_addr_n, uint16_t reply_src_port_h, uint16_t reply_dst_port_h,
                   uint32_t ack_h);

/// True iff a probe quoted inside an ICMP error (its own tuple, not reversed, and its seq) is one
/// of ours: seq == SynCookie(tuple).
bool ProbeSeqMatches(const CookieKey& key, uint8_t family, const uint8_t* probe_src_addr_n,
                     const uint8_t* probe_dst_addr_n, uint16_t probe_src_port_h, uint16_t probe_dst_port_h,
                     uint32_t seq_h);

}  // namespace portscan
