// SPDX-License-Identifier: MIT
// pkt_checksum.h: the Internet checksum (RFC 1071) over byte buffers, the transport checksum over
// the IPv4 and IPv6 pseudo-headers (RFC 793 section 3.1, RFC 8200 section 8.1), and incremental
// updates after a field changes (RFC 1624). Pure functions on caller memory: no Node-API, no
// allocation, no state; safe on any thread. It does not know where fields are in a frame: that is
// pkt_template (building) and pkt_parse (reading).
//
// Values: a "sum" is a one's-complement sum folded to 16 bits (0..0xffff), not complemented; a
// "checksum" is the complemented sum, as a host-order number. The checksum field of a header
// reads as LoadBe16(field) and is written with StoreBe16(field, checksum).
#pragma once

#include <cstddef>
#include <cstdint>

namespace portscan {

/// Adds `len` bytes at `data`, taken as big-endian 16-bit words, to the folded sum `sum` and
/// returns the new folded sum. An odd last byte counts as if followed by a zero byte (RFC 1071
/// section 4.1), so when chaining calls over several pieces every piece but the last must have an
/// even length.
uint32_t ChecksumAdd(const uint8_t* data, size_t len, uint32_t sum);

/// Folds the carries of any 32-bit accumulation of 16-bit words and complements: the checksum.
uint16_t ChecksumFinish(uint32_t sum);

/// The RFC 1071 checksum of `len` bytes. Over a header whose checksum field holds a correct
/// checksum the result is 0, which is how a header is verified.
uint16_t InternetChecksum(const uint8_t* data, size_t len);

/// The folded sum of the IPv4 pseudo-header: source, destination (4 bytes each, network order),
/// zero, `protocol`, and the transport length `length_h` in bytes.
uint32_t PseudoHeaderSumV4(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, uint8_t protocol, uint16_t length_h);

/// The folded sum of the IPv6 pseudo-header: source, destination (16 bytes each, network order),
/// the upper-layer length `length_h` in bytes, three zero bytes and `next_header`.
uint32_t PseudoHeaderSumV6(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, uint8_t next_header,
                           uint32_t length_h);

/// The checksum of a TCP (or other `protocol`) segment of `len` bytes over IPv4. The segment's own
/// checksum field is summed as it is: zero it to compute a checksum; leave it to verify (0 = good).
uint16_t TransportChecksumV4(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, uint8_t protocol,
                             const uint8_t* segment, size_t len);

/// As TransportChecksumV4, over the IPv6 pseudo-header (TCP: next_header 6; ICMPv6: 58).
uint16_t TransportChecksumV6(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, uint8_t next_header,
                             const uint8_t* segment, size_t len);

/// TransportChecksumV4 for TCP (protocol 6).
inline uint16_t TcpChecksumV4(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, const uint8_t* tcp, size_t len) {
  return TransportChecksumV4(src_addr_n, dst_addr_n, 6, tcp, len);
}

/// TransportChecksumV6 for TCP (next header 6).
inline uint16_t TcpChecksumV6(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, const uint8_t* tcp, size_t len) {
  return TransportChecksumV6(src_addr_n, dst_addr_n, 6, tcp, len);
}

/// The checksum after one 16-bit word covered by it changes from `old_h` to `new_h`, by RFC 1624
/// equation 3: HC' = ~(~HC + ~m + m'). Equation 3, not 2, so the result never turns into the
/// 0xffff "negative zero" that a full recompute cannot produce.
uint16_t ChecksumUpdate16(uint16_t checksum_h, uint16_t old_h, uint16_t new_h);

/// ChecksumUpdate16 for a 32-bit field (a sequence number, an IPv4 address): two words at once.
uint16_t ChecksumUpdate32(uint16_t checksum_h, uint32_t old_h, uint32_t new_h);

/// ChecksumUpdate16 for a field of `len` bytes (even; an IPv6 address is 16) that starts at an
/// even offset within the checksummed data, old and new contents given in network order.
uint16_t ChecksumUpdateBytes(uint16_t checksum_h, const uint8_t* old_n, const uint8_t* new_n, size_t len);

}  // namespace portscan
