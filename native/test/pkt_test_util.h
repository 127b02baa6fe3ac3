// SPDX-License-Identifier: MIT
// pkt_test_util.h: the pieces shared by the pkt_* unit tests: a CHECK macro that counts instead
// of aborting, and builders for reply frames (TCP, ICMP unreachable, every link type). The
// builders are written independently of pkt_template so the tests compare two implementations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pkt_parse.h"

namespace portscan {
namespace test {

using Bytes = std::vector<uint8_t>;

extern int g_passed;
extern int g_failed;
extern const char* g_section;

/// Records one check; prints the first failures with `expr` and where they came from.
void Check(bool ok, const char* expr, const char* file, int line);

#define CHECK(cond) ::portscan::test::Check(static_cast<bool>(cond), #cond, __FILE__, __LINE__)

/// An address of either family; IPv4 uses bytes[0..3].
struct Addr {
  uint8_t family;
  uint8_t bytes[16];
};

Addr V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
Addr V6(uint16_t first_word, uint16_t last_word);  // first_word::last_word

struct TcpSpec {
  uint16_t src_port_h = 0;
  uint16_t dst_port_h = 0;
  uint32_t seq_h = 0;
  uint32_t ack_h = 0;
  uint8_t flags = 0;
  uint16_t window_h = 65535;
  size_t options_len = 0;  // multiple of 4, at most 40 (filled with NOP)
  size_t payload_len = 0;
};

/// A TCP segment, checksum zero.
Bytes TcpSegment(const TcpSpec& t);

/// An IP packet from `src` to `dst` carrying `payload` as `protocol` (IPv6: the first next
/// header, so `payload` may begin with extension headers). IPv4 header checksum filled in.
Bytes IpPacket(const Addr& src, const Addr& dst, uint8_t protocol, const Bytes& payload, uint8_t ttl);

/// A complete TCP packet with a correct TCP checksum.
Bytes TcpPacket(const Addr& src, const Addr& dst, const TcpSpec& t, uint8_t ttl);

/// An ICMP (type 3) or ICMPv6 (type 1) destination unreachable from `from` to `to`, quoting the
/// first `quote_len` bytes of `original` (an IP packet), with a correct checksum.
Bytes IcmpUnreachable(const Addr& from, const Addr& to, const Bytes& original, size_t quote_len, uint8_t code);

enum class Link { kEthernet, kEthernetVlan, kLoopback, kSll, kSll2, kRaw, kRawIpvN };
constexpr Link kAllLinks[] = {Link::kEthernet, Link::kEthernetVlan, Link::kLoopback, Link::kSll,
                              Link::kSll2,     Link::kRaw,          Link::kRawIpvN};

/// `ip` behind the link header of `link`; *dlt receives the libpcap link type to parse it with.
Bytes WrapLink(Link link, const Bytes& ip, int* dlt);

/// Parses `frame` through an exactly-sized heap copy, so AddressSanitizer reports any read past
/// the end (a std::vector's capacity or a stack array could hide one).
ParseStatus ParseExact(int dlt, const uint8_t* frame, size_t caplen, ParsedReply* out);

void TestParser();             // pkt_test_parse.cc
void TestOutstandingProbes();  // syn_table_test.cc

}  // namespace test
}  // namespace portscan
