// SPDX-License-Identifier: MIT
// pkt_template.cc: building the SYN template and patching it per probe (see pkt_template.h).
//
// Why the patch needs no old values: the template is built with every per-probe field zero. RFC
// 1624 eqn 3 gives HC' = ~(~HC + ~m + m') for each changed word; with m = 0, ~m is 0xffff, the
// one's-complement "negative zero", which adds nothing. So the new checksum is ~(S + sum of m'),
// where S = ~HC is the template's folded sum, kept in ProbeTemplate. S is never zero (the header
// has nonzero words), so the result is bit-for-bit what a full recompute gives.
#include "pkt_template.h"

#include <cstring>

#include "pkt_bytes.h"
#include "pkt_checksum.h"

namespace portscan {
namespace {

constexpr uint16_t kEthertypeIpv4 = 0x0800;
constexpr uint16_t kEthertypeIpv6 = 0x86dd;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kTcpFlagSyn = 0x02;
constexpr uint8_t kTcpOptionMss = 2;

// Field offsets (RFC 791 section 3.1, RFC 8200 section 3, RFC 793 section 3.1).
constexpr size_t kIp4IdOffset = 4;
constexpr size_t kIp4ChecksumOffset = 10;
constexpr size_t kIp4SrcOffset = 12;
constexpr size_t kIp4DstOffset = 16;
constexpr size_t kIp6SrcOffset = 8;
constexpr size_t kIp6DstOffset = 24;
constexpr size_t kTcpSeqOffset = 4;
constexpr size_t kTcpChecksumOffset = 16;

// The sum of the 16-bit words of an address, unfolded (at most 8 words: no overflow).
inline uint32_t AddrWords(const uint8_t* addr_n, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i < len; i += 2) sum += LoadBe16(addr_n + i);
  return sum;
}

void WriteIpv4Header(const TemplateOptions& opts, uint8_t* ip) {
  ip[0] = 0x45;  // version 4, IHL 5 (no options)
  ip[1] = 0;     // DSCP/ECN
  StoreBe16(ip + 2, static_cast<uint16_t>(20 + kProbeTcpHeaderSize));
  // ID (bytes 4-5) per probe; flags/fragment offset (6-7) 0: DF clear, as nmap sends it.
  ip[8] = opts.ttl;
  ip[9] = kProtoTcp;
  std::memcpy(ip + kIp4SrcOffset, opts.src_addr_n, 4);
  // Destination (16-19) per probe.
}

void WriteIpv6Header(const TemplateOptions& opts, uint8_t* ip) {
  StoreBe32(ip, 0x60000000u);  // version 6, traffic class 0, flow label 0
  StoreBe16(ip + 4, static_cast<uint16_t>(kProbeTcpHeaderSize));
  ip[6] = kProtoTcp;
  ip[7] = opts.ttl;
  std::memcpy(ip + kIp6SrcOffset, opts.src_addr_n, 16);
  // Destination (24-39) per probe.
}

void WriteTcpHeader(const TemplateOptions& opts, uint8_t* tcp) {
  // Ports (0-3), seq (4-7) per probe; ack (8-11) 0.
  tcp[12] = static_cast<uint8_t>((kProbeTcpHeaderSize / 4) << 4);  // data offset 6 words
  tcp[13] = kTcpFlagSyn;
  StoreBe16(tcp + 14, opts.window_h);
  // Checksum (16-17) computed below; urgent pointer (18-19) 0.
  tcp[20] = kTcpOptionMss;
  tcp[21] = 4;  // option length
  StoreBe16(tcp + 22, opts.mss_h);
}

}  // namespace

bool BuildProbeTemplate(const TemplateOptions& opts, ProbeTemplate* out) {
  if (opts.family != kFamilyV4 && opts.family != kFamilyV6) return false;
  std::memset(out, 0, sizeof(*out));
  const bool v6 = opts.family == kFamilyV6;
  out->family = opts.family;
  size_t off = 0;
  if (opts.ethernet) {
    std::memcpy(out->frame, opts.dst_mac, 6);
    std::memcpy(out->frame + 6, opts.src_mac, 6);
    StoreBe16(out->frame + 12, v6 ? kEthertypeIpv6 : kEthertypeIpv4);
    off = kEthernetHeaderSize;
  }
  out->ip_offset = static_cast<uint16_t>(off);
  out->tcp_offset = static_cast<uint16_t>(off + (v6 ? 40 : 20));
  out->size = static_cast<uint16_t>(out->tcp_offset + kProbeTcpHeaderSize);
  if (v6) {
    WriteIpv6Header(opts, out->frame + out->ip_offset);
  } else {
    WriteIpv4Header(opts, out->frame + out->ip_offset);
  }
  WriteTcpHeader(opts, out->frame + out->tcp_offset);
  FullChecksums(*out, out->frame);
  // ~HC is the folded sum S of the data as built.
  out->ip_sum = v6 ? 0 : static_cast<uint16_t>(~LoadBe16(out->frame + out->ip_offset + kIp4ChecksumOffset));
  out->tcp_sum = static_cast<uint16_t>(~LoadBe16(out->frame + out->tcp_offset + kTcpChecksumOffset));
  return true;
}

void PatchProbe(const ProbeTemplate& tmpl, uint8_t* out, const uint8_t* dst_addr_n, uint16_t dst_port_h,
                uint16_t src_port_h, uint32_t seq_h) {
  std::memcpy(out, tmpl.frame, tmpl.size);
  uint8_t* ip = out + tmpl.ip_offset;
  uint8_t* tcp = out + tmpl.tcp_offset;
  const size_t addr_len = tmpl.family == kFamilyV6 ? 16 : 4;
  const uint32_t addr_words = AddrWords(dst_addr_n, addr_len);

  StoreBe16(tcp, src_port_h);
  StoreBe16(tcp + 2, dst_port_h);
  StoreBe32(tcp + kTcpSeqOffset, seq_h);
  // The destination address is in the TCP pseudo-header too.
  const uint32_t tcp_sum = tmpl.tcp_sum + addr_words + src_port_h + dst_port_h + (seq_h >> 16) + (seq_h & 0xffff);
  StoreBe16(tcp + kTcpChecksumOffset, ChecksumFinish(tcp_sum));

  if (tmpl.family == kFamilyV6) {
    std::memcpy(ip + kIp6DstOffset, dst_addr_n, 16);
    return;
  }
  const uint16_t id_h = static_cast<uint16_t>(seq_h ^ (seq_h >> 16));
  std::memcpy(ip + kIp4DstOffset, dst_addr_n, 4);
  StoreBe16(ip + kIp4IdOffset, id_h);
  StoreBe16(ip + kIp4ChecksumOffset, ChecksumFinish(tmpl.ip_sum + addr_words + id_h));
}

void FullChecksums(const ProbeTemplate& tmpl, uint8_t* frame) {
  uint8_t* ip = frame + tmpl.ip_offset;
  uint8_t* tcp = frame + tmpl.tcp_offset;
  const size_t tcp_len = tmpl.size - tmpl.tcp_offset;
  StoreBe16(tcp + kTcpChecksumOffset, 0);
  if (tmpl.family == kFamilyV6) {
    StoreBe16(tcp + kTcpChecksumOffset, TcpChecksumV6(ip + kIp6SrcOffset, ip + kIp6DstOffset, tcp, tcp_len));
    return;
  }
  StoreBe16(ip + kIp4ChecksumOffset, 0);
  StoreBe16(ip + kIp4ChecksumOffset, InternetChecksum(ip, 20));
  StoreBe16(tcp + kTcpChecksumOffset, TcpChecksumV4(ip + kIp4SrcOffset, ip + kIp4DstOffset, tcp, tcp_len));
}

}  // namespace portscan
