// SPDX-License-Identifier: MIT
// pkt_parse.h: turns one captured frame into the fields the Stealth-mode receive side needs: a
// TCP reply (SYN-ACK, RST) or an ICMP / ICMPv6 destination-unreachable with the probe it quotes.
// Every length is checked against the capture before a byte is read, so any input, hostile or
// cut short by the snapshot length, gives a status and never a read past `caplen`. It does not
// decide whether a reply is ours (pkt_cookie) or what it means (TypeScript's classify), and it
// does not verify checksums (the kernel and NIC drop corrupt frames before capture in practice,
// and a corrupt reply fails the cookie check anyway).
//
// The whole IP packet (its total length / payload length) must be in the capture, or the status
// is kTruncated. Our replies are small: at most 4 (VLAN) + 14 + 60 + 60 = 138 bytes for TCP with
// full options, and an ICMPv6 error quoting our 64-byte probe is 14 + 4 + 40 + 8 + 64 = 130, so a
// snapshot length of 256 loses none of them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "record.h"

namespace portscan {

/// libpcap link-layer types (pcap_datalink(3PCAP) values; see the tcpdump.org linktypes list).
/// Linux 'lo' is kDltEn10mb with zero MAC addresses.
enum LinkType : int {
  kDltEn10mb = 1,       // Ethernet, with at most one 802.1Q / 802.1ad tag
  kDltRaw = 12,         // raw IP (DLT_RAW on Linux and most systems)
  kDltRawOpenBsd = 14,  // raw IP (DLT_RAW on OpenBSD)
  kLinktypeRaw = 101,   // raw IP (the value written in savefiles)
  kDltLinuxSll = 113,   // Linux cooked capture v1 ("any" device)
  kDltIpv4 = 228,       // raw IPv4
  kDltIpv6 = 229,       // raw IPv6
  kDltLinuxSll2 = 276,  // Linux cooked capture v2
};

enum class ParseStatus : uint8_t {
  kOk = 0,           // `out` is filled in
  kTruncated,        // the capture ends before the packet does
  kMalformed,        // a length or version field is impossible
  kUnsupportedLink,  // `link_type` is not one of LinkType
  kNotIp,            // a link-layer frame that carries neither IPv4 nor IPv6 (ARP, ...)
  kNotTcpOrIcmp,     // IP, but not TCP, not an ICMP(v6) destination-unreachable, or one that
                     // quotes something other than TCP
  kFragment,         // an IP fragment (or IPv6 fragment header): not a reply to a SYN
};

/// What the frame is, when the status is kOk.
enum ReplyKind : uint8_t {
  kReplyTcp = 1,              // a TCP segment: the tcp fields are set
  kReplyIcmpUnreachable = 2,  // ICMP type 3 or ICMPv6 type 1: icmp_* and orig_* are set
};

/// The fields of a parsed reply. Addresses are network order, 4 bytes (IPv4, rest zero) or 16;
/// ports and numbers host order. Fields that do not apply to `kind` are zero.
struct ParsedReply {
  uint8_t kind;                 // ReplyKind
  uint8_t family;               // kFamilyV4 or kFamilyV6 (of the outer packet and of the quote)
  uint8_t ttl;                  // outer IPv4 TTL or IPv6 hop limit
  uint8_t tcp_flags;            // TCP: flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10, ...)
  uint8_t src_addr_n[16];       // outer source: the target (TCP) or the reporting router/host (ICMP)
  uint8_t dst_addr_n[16];       // outer destination: us
  uint16_t src_port_h;          // TCP only
  uint16_t dst_port_h;          // TCP only
  uint32_t seq_h;               // TCP only
  uint32_t ack_h;               // TCP only
  uint16_t window_h;            // TCP only
  uint8_t icmp_type;            // ICMP only: 3 (IPv4) or 1 (IPv6)
  uint8_t icmp_code;            // ICMP only: the unreachable reason (port, host, admin-prohibited...)
  uint8_t orig_src_addr_n[16];  // ICMP only: the quoted probe's source (us)
  uint8_t orig_dst_addr_n[16];  // ICMP only: the quoted probe's destination (the target)
  uint16_t orig_src_port_h;     // ICMP only: the quoted TCP header's ports and seq (the first
  uint16_t orig_dst_port_h;     // 8 bytes of it, which RFC 792 guarantees are quoted)
  uint32_t orig_seq_h;
};

/// Parses `caplen` bytes at `frame`, of libpcap link type `link_type`, into `out` (always zeroed
/// first). Reads only within [frame, frame + caplen); `frame` may be null when caplen is 0.
/// Returns kOk only when every header it reports was inside both the capture and the packet's own
/// lengths. No allocation; thread-safe.
ParseStatus ParseFrame(int link_type, const uint8_t* frame, size_t caplen, ParsedReply* out);

/// As ParseFrame for a packet that starts at its IP header (the version nibble picks v4 or v6).
ParseStatus ParseIpPacket(const uint8_t* packet, size_t len, ParsedReply* out);

/// A stable name for `status` ("ok", "truncated", ...), for logs and test messages.
const char* ParseStatusName(ParseStatus status);

}  // namespace portscan
