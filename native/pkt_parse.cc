// SPDX-License-Identifier: MIT
// pkt_parse.cc: bounds-checked frame parsing (see pkt_parse.h). Each layer gets a pointer and the
// number of bytes it may read, and checks a length before every read; a layer hands the next one
// the smaller of "what the capture holds" and "what its own length field says".
#include "pkt_parse.h"

#include <cstring>

#include "pkt_bytes.h"

namespace portscan {
namespace {

constexpr uint16_t kEthertypeIpv4 = 0x0800;
constexpr uint16_t kEthertypeIpv6 = 0x86dd;
constexpr uint16_t kEthertypeVlan = 0x8100;  // IEEE 802.1Q
constexpr uint16_t kEthertypeQinq = 0x88a8;  // IEEE 802.1ad outer tag
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoIcmpv6 = 58;
constexpr uint8_t kIcmpUnreachable = 3;    // RFC 792
constexpr uint8_t kIcmpv6Unreachable = 1;  // RFC 4443 section 3.1
constexpr size_t kIcmpHeaderSize = 8;      // type, code, checksum, 4 unused bytes
constexpr size_t kQuotedTcpBytes = 8;      // ports and seq: all RFC 792 promises to quote

// IPv6 extension headers (RFC 8200 section 4) that we step over. A real reply has none or one;
// a chain of more than this many is treated as malformed, which also bounds the loop.
constexpr int kMaxIpv6ExtHeaders = 8;
constexpr uint8_t kIpv6HopByHop = 0;
constexpr uint8_t kIpv6Routing = 43;
constexpr uint8_t kIpv6Fragment = 44;
constexpr uint8_t kIpv6Auth = 51;
constexpr uint8_t kIpv6DestOptions = 60;

// Steps over the extension headers of the IPv6 packet `pkt`, whose header chain must end within
// `end` bytes. On kOk, *next is the upper-layer protocol and *off where its header starts.
ParseStatus SkipIpv6ExtHeaders(const uint8_t* pkt, size_t end, uint8_t* next, size_t* off) {
  uint8_t nh = pkt[6];
  size_t pos = 40;
  for (int count = 0;; ++count) {
    size_t hlen;
    switch (nh) {
      case kIpv6HopByHop:
        if (count != 0) return ParseStatus::kMalformed;  // RFC 8200: only right after the header
        [[fallthrough]];
      case kIpv6Routing:
      case kIpv6DestOptions:
        if (end - pos < 2) return ParseStatus::kMalformed;
        hlen = (static_cast<size_t>(pkt[pos + 1]) + 1) * 8;
        break;
      case kIpv6Auth:  // RFC 4302 section 2.2: length in 4-byte units, minus 2
        if (end - pos < 2) return ParseStatus::kMalformed;
        hlen = (static_cast<size_t>(pkt[pos + 1]) + 2) * 4;
        break;
      case kIpv6Fragment:
        return ParseStatus::kFragment;
      default:  // TCP, ICMPv6, or something we do not parse: the caller decides
        *next = nh;
        *off = pos;
        return ParseStatus::kOk;
    }
    if (count == kMaxIpv6ExtHeaders) return ParseStatus::kMalformed;
    if (end - pos < hlen) return ParseStatus::kMalformed;
    nh = pkt[pos];
    pos += hlen;
  }
}

// The TCP header at `seg`, `len` bytes of segment (IP payload, fully captured).
ParseStatus ParseTcp(const uint8_t* seg, size_t len, ParsedReply* out) {
  if (len < 20) return ParseStatus::kMalformed;
  const size_t data_offset = static_cast<size_t>(seg[12] >> 4) * 4;
  if (data_offset < 20 || data_offset > len) return ParseStatus::kMalformed;
  out->kind = kReplyTcp;
  out->src_port_h = LoadBe16(seg);
  out->dst_port_h = LoadBe16(seg + 2);
  out->seq_h = LoadBe32(seg + 4);
  out->ack_h = LoadBe32(seg + 8);
  out->tcp_flags = seg[13];
  out->window_h = LoadBe16(seg + 14);
  return ParseStatus::kOk;
}

// Fills the orig_* fields from the first 8 bytes of the quoted TCP header at `tcp`.
void TakeQuotedTcp(const uint8_t* tcp, ParsedReply* out) {
  out->kind = kReplyIcmpUnreachable;
  out->orig_src_port_h = LoadBe16(tcp);
  out->orig_dst_port_h = LoadBe16(tcp + 2);
  out->orig_seq_h = LoadBe32(tcp + 4);
}

// ICMP destination unreachable (RFC 792): 8-byte header, then the original IP header and at
// least the first 8 bytes of its payload. The quote's own total length is that of the original
// packet, which the quote may cut short, so it bounds nothing here.
ParseStatus ParseIcmpV4(const uint8_t* msg, size_t len, ParsedReply* out) {
  if (len < kIcmpHeaderSize) return ParseStatus::kMalformed;
  if (msg[0] != kIcmpUnreachable) return ParseStatus::kNotTcpOrIcmp;
  out->icmp_type = msg[0];
  out->icmp_code = msg[1];
  const uint8_t* q = msg + kIcmpHeaderSize;
  const size_t qlen = len - kIcmpHeaderSize;
  if (qlen < 20 || (q[0] >> 4) != 4) return ParseStatus::kMalformed;
  const size_t ihl = static_cast<size_t>(q[0] & 0x0f) * 4;
  if (ihl < 20) return ParseStatus::kMalformed;
  if (q[9] != kProtoTcp) return ParseStatus::kNotTcpOrIcmp;
  if (ihl > qlen || qlen - ihl < kQuotedTcpBytes) return ParseStatus::kMalformed;
  std::memcpy(out->orig_src_addr_n, q + 12, 4);
  std::memcpy(out->orig_dst_addr_n, q + 16, 4);
  TakeQuotedTcp(q + ihl, out);
  return ParseStatus::kOk;
}

// ICMPv6 destination unreachable (RFC 4443 section 3.1): 8-byte header, then as much of the
// original packet as fits; we need its IPv6 header, any extension headers and 8 bytes of TCP.
ParseStatus ParseIcmpV6(const uint8_t* msg, size_t len, ParsedReply* out) {
  if (len < kIcmpHeaderSize) return ParseStatus::kMalformed;
  if (msg[0] != kIcmpv6Unreachable) return ParseStatus::kNotTcpOrIcmp;
  out->icmp_type = msg[0];
  out->icmp_code = msg[1];
  const uint8_t* q = msg + kIcmpHeaderSize;
  const size_t qlen = len - kIcmpHeaderSize;
  if (qlen < 40 || (q[0] >> 4) != 6) return ParseStatus::kMalformed;
  uint8_t next = 0;
  size_t off = 0;
  const ParseStatus st = SkipIpv6ExtHeaders(q, qlen, &next, &off);
  if (st != ParseStatus::kOk) return st;
  if (next != kProtoTcp) return ParseStatus::kNotTcpOrIcmp;
  if (qlen - off < kQuotedTcpBytes) return ParseStatus::kMalformed;
  std::memcpy(out->orig_src_addr_n, q + 8, 16);
  std::memcpy(out->orig_dst_addr_n, q + 24, 16);
  TakeQuotedTcp(q + off, out);
  return ParseStatus::kOk;
}

// RFC 791 section 3.1. `avail` is what the capture holds from `p` on.
ParseStatus ParseIpv4(const uint8_t* p, size_t avail, ParsedReply* out) {
  if (avail < 20) return ParseStatus::kTruncated;
  if ((p[0] >> 4) != 4) return ParseStatus::kMalformed;
  const size_t ihl = static_cast<size_t>(p[0] & 0x0f) * 4;
  const size_t total = LoadBe16(p + 2);
  if (ihl < 20 || total < ihl) return ParseStatus::kMalformed;
  if (total > avail) return ParseStatus::kTruncated;
  // More-fragments flag or a nonzero offset: a piece of a larger datagram.
  if ((LoadBe16(p + 6) & 0x3fff) != 0) return ParseStatus::kFragment;
  out->family = kFamilyV4;
  out->ttl = p[8];
  std::memcpy(out->src_addr_n, p + 12, 4);
  std::memcpy(out->dst_addr_n, p + 16, 4);
  switch (p[9]) {
    case kProtoTcp:
      return ParseTcp(p + ihl, total - ihl, out);
    case kProtoIcmp:
      return ParseIcmpV4(p + ihl, total - ihl, out);
    default:
      return ParseStatus::kNotTcpOrIcmp;
  }
}

// RFC 8200 section 3. A payload length of 0 means a jumbogram (RFC 2675), which no reply to a
// 64-byte SYN is: malformed.
ParseStatus ParseIpv6(const uint8_t* p, size_t avail, ParsedReply* out) {
  if (avail < 40) return ParseStatus::kTruncated;
  if ((p[0] >> 4) != 6) return ParseStatus::kMalformed;
  const size_t payload = LoadBe16(p + 4);
  if (payload == 0) return ParseStatus::kMalformed;
  if (payload > avail - 40) return ParseStatus::kTruncated;
  const size_t end = 40 + payload;
  out->family = kFamilyV6;
  out->ttl = p[7];
  std::memcpy(out->src_addr_n, p + 8, 16);
  std::memcpy(out->dst_addr_n, p + 24, 16);
  uint8_t next = 0;
  size_t off = 0;
  const ParseStatus st = SkipIpv6ExtHeaders(p, end, &next, &off);
  if (st != ParseStatus::kOk) return st;
  switch (next) {
    case kProtoTcp:
      return ParseTcp(p + off, end - off, out);
    case kProtoIcmpv6:
      return ParseIcmpV6(p + off, end - off, out);
    default:
      return ParseStatus::kNotTcpOrIcmp;
  }
}

// Dispatches on a link layer's protocol field (an ethertype).
ParseStatus ParseByEthertype(uint16_t ethertype, const uint8_t* p, size_t avail, ParsedReply* out) {
  if (ethertype == kEthertypeIpv4) return ParseIpv4(p, avail, out);
  if (ethertype == kEthertypeIpv6) return ParseIpv6(p, avail, out);
  return ParseStatus::kNotIp;
}

// Raw IP with no link header: the version nibble says which.
ParseStatus ParseByVersion(const uint8_t* p, size_t avail, ParsedReply* out) {
  if (avail < 1) return ParseStatus::kTruncated;
  const int version = p[0] >> 4;
  if (version == 4) return ParseIpv4(p, avail, out);
  if (version == 6) return ParseIpv6(p, avail, out);
  return ParseStatus::kMalformed;
}

// Ethernet II (IEEE 802.3 frames with a length instead of a type come out as kNotIp), with at most
// one VLAN tag: [dst 6][src 6][type 2] or [dst 6][src 6][0x8100 2][tci 2][type 2].
ParseStatus ParseEthernet(const uint8_t* f, size_t caplen, ParsedReply* out) {
  if (caplen < 14) return ParseStatus::kTruncated;
  uint16_t type = LoadBe16(f + 12);
  size_t off = 14;
  if (type == kEthertypeVlan || type == kEthertypeQinq) {
    if (caplen < 18) return ParseStatus::kTruncated;
    type = LoadBe16(f + 16);
    off = 18;
    if (type == kEthertypeVlan || type == kEthertypeQinq) return ParseStatus::kNotIp;
  }
  return ParseByEthertype(type, f + off, caplen - off, out);
}

}  // namespace

ParseStatus ParseIpPacket(const uint8_t* packet, size_t len, ParsedReply* out) {
  std::memset(out, 0, sizeof(*out));
  return ParseByVersion(packet, len, out);
}

ParseStatus ParseFrame(int link_type, const uint8_t* frame, size_t caplen, ParsedReply* out) {
  std::memset(out, 0, sizeof(*out));
  switch (link_type) {
    case kDltEn10mb:
      return ParseEthernet(frame, caplen, out);
    case kDltRaw:
    case kDltRawOpenBsd:
    case kLinktypeRaw:
      return ParseByVersion(frame, caplen, out);
    case kDltIpv4:
      return ParseIpv4(frame, caplen, out);
    case kDltIpv6:
      return ParseIpv6(frame, caplen, out);
    case kDltLinuxSll:
      // [packet type 2][ARPHRD 2][addr len 2][addr 8][protocol 2] (libpcap sll.h)
      if (caplen < 16) return ParseStatus::kTruncated;
      return ParseByEthertype(LoadBe16(frame + 14), frame + 16, caplen - 16, out);
    case kDltLinuxSll2:
      // [protocol 2][reserved 2][ifindex 4][ARPHRD 2][packet type 1][addr len 1][addr 8]
      if (caplen < 20) return ParseStatus::kTruncated;
      return ParseByEthertype(LoadBe16(frame), frame + 20, caplen - 20, out);
    default:
      return ParseStatus::kUnsupportedLink;
  }
}

const char* ParseStatusName(ParseStatus status) {
  switch (status) {
    case ParseStatus::kOk:
      return "ok";
    case ParseStatus::kTruncated:
      return "truncated";
    case ParseStatus::kMalformed:
      return "malformed";
    case ParseStatus::kUnsupportedLink:
      return "unsupported-link";
    case ParseStatus::kNotIp:
      return "not-ip";
    case ParseStatus::kNotTcpOrIcmp:
      return "not-tcp-or-icmp";
    case ParseStatus::kFragment:
      return "fragment";
  }
  return "unknown";
}

}  // namespace portscan
