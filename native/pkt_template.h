// SPDX-License-Identifier: MIT
// pkt_template.h: the TCP SYN probe of Stealth mode, built once per scan as a template and then
// copied and patched per probe (masscan's templ-pkt idea). The template fixes everything that is
// the same for every probe: link header, IP header, TCP options; PatchProbe writes the four
// fields that differ (destination address, both ports, sequence number) and updates both
// checksums incrementally from sums prepared at build time, so a probe costs one memcpy and a
// few additions, never a pass over the packet. No Node-API, no sockets, no allocation: sending is
// tx_* and choosing the cookie is pkt_cookie.
//
// Frame layout (offsets within ProbeTemplate::frame):
//   [Ethernet 14, optional] [IPv4 20 | IPv6 40] [TCP 20 + MSS option 4]
// IPv4: DF clear, TTL `ttl`, ID derived from the seq (see PatchProbe). IPv6: traffic class and flow
// label 0, hop limit `ttl`. TCP: SYN only, window `window_h`, one option MSS `mss_h` (like nmap and
// masscan: a SYN without options stands out). 58 bytes over Ethernet (the NIC pads to 60) and 44
// bytes raw for IPv4; 78 and 64 for IPv6.
#pragma once

#include <cstddef>
#include <cstdint>

#include "record.h"

namespace portscan {

constexpr size_t kEthernetHeaderSize = 14;
constexpr size_t kProbeTcpHeaderSize = 24;                                        // 20-byte header + 4-byte MSS option
constexpr size_t kMaxProbeSize = kEthernetHeaderSize + 40 + kProbeTcpHeaderSize;  // 78

/// What a scan's probes have in common. Every field is used as given; the defaults are the
/// values nmap and masscan send.
struct TemplateOptions {
  uint8_t family = kFamilyV4;   // kFamilyV4 or kFamilyV6
  bool ethernet = false;        // true: start with an Ethernet header (AF_PACKET send);
                                // false: start at the IP header (raw IP socket, loopback)
  uint8_t src_mac[6] = {};      // Ethernet only: our interface's MAC
  uint8_t dst_mac[6] = {};      // Ethernet only: the next hop's MAC (gateway or on-link target)
  uint8_t src_addr_n[16] = {};  // our source address, network order; IPv4 uses the first 4 bytes
  uint8_t ttl = 64;             // IPv4 TTL or IPv6 hop limit
  uint16_t window_h = 1024;     // TCP window
  uint16_t mss_h = 1460;        // TCP MSS option value
};

/// A prepared probe. Plain data: copy it to each sending thread. Build with BuildProbeTemplate.
struct ProbeTemplate {
  uint8_t frame[kMaxProbeSize];  // the probe with the per-probe fields zero, checksums valid
  uint16_t size;                 // bytes of `frame` that make a probe
  uint16_t ip_offset;            // 0, or 14 after an Ethernet header
  uint16_t tcp_offset;           // ip_offset + 20 (IPv4) or + 40 (IPv6)
  uint8_t family;                // kFamilyV4 or kFamilyV6
  uint32_t ip_sum;               // IPv4: folded one's-complement sum of the header as built (0 for IPv6)
  uint32_t tcp_sum;              // folded sum of pseudo-header + TCP header as built
};

/// Fills `out` from `opts`. Returns false (and leaves `out` unusable) if `opts.family` is neither
/// kFamilyV4 nor kFamilyV6.
bool BuildProbeTemplate(const TemplateOptions& opts, ProbeTemplate* out);

/// Writes one probe, `tmpl.size` bytes, to `out` (which must hold that many; it may not overlap
/// the template): a copy of the template with the destination address (`dst_addr_n`, 4 or 16
/// bytes, network order), the ports and the sequence number (the cookie) filled in, and the IPv4
/// header and TCP checksums updated incrementally. The IPv4 ID is (seq ^ seq >> 16) & 0xffff, so
/// it varies per probe at no cost and looks random to the target (a constant ID marks a scanner).
/// Thread-safe for distinct `out` buffers.
void PatchProbe(const ProbeTemplate& tmpl, uint8_t* out, const uint8_t* dst_addr_n, uint16_t dst_port_h,
                uint16_t src_port_h, uint32_t seq_h);

/// Recomputes the IPv4 header checksum (IPv4 only) and the TCP checksum of `frame`, a probe laid
/// out as `tmpl` describes, from scratch. The slow reference path: BuildProbeTemplate uses it
/// once, and the tests use it to check PatchProbe's incremental result.
void FullChecksums(const ProbeTemplate& tmpl, uint8_t* frame);

}  // namespace portscan
