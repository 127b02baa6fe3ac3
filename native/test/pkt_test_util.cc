// SPDX-License-Identifier: MIT
// pkt_test_util.cc: the CHECK counter and the reply-frame builders (see pkt_test_util.h).
#include "pkt_test_util.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "pkt_bytes.h"
#include "pkt_checksum.h"

namespace portscan {
namespace test {

int g_passed = 0;
int g_failed = 0;
const char* g_section = "";

void Check(bool ok, const char* expr, const char* file, int line) {
  if (ok) {
    ++g_passed;
    return;
  }
  if (++g_failed <= 40) std::fprintf(stderr, "FAIL [%s] %s:%d: %s\n", g_section, file, line, expr);
}

Addr V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  Addr x{kFamilyV4, {a, b, c, d}};
  return x;
}

Addr V6(uint16_t first_word, uint16_t last_word) {
  Addr x{kFamilyV6, {}};
  StoreBe16(x.bytes, first_word);
  StoreBe16(x.bytes + 14, last_word);
  return x;
}

Bytes TcpSegment(const TcpSpec& t) {
  Bytes s(20 + t.options_len + t.payload_len, 0);
  StoreBe16(&s[0], t.src_port_h);
  StoreBe16(&s[2], t.dst_port_h);
  StoreBe32(&s[4], t.seq_h);
  StoreBe32(&s[8], t.ack_h);
  s[12] = static_cast<uint8_t>(((20 + t.options_len) / 4) << 4);
  s[13] = t.flags;
  StoreBe16(&s[14], t.window_h);
  for (size_t i = 0; i < t.options_len; ++i) s[20 + i] = 1;  // NOP
  for (size_t i = 0; i < t.payload_len; ++i) s[20 + t.options_len + i] = static_cast<uint8_t>(i);
  return s;
}

Bytes IpPacket(const Addr& src, const Addr& dst, uint8_t protocol, const Bytes& payload, uint8_t ttl) {
  Bytes p;
  if (src.family == kFamilyV4) {
    p.assign(20, 0);
    p[0] = 0x45;
    StoreBe16(&p[2], static_cast<uint16_t>(20 + payload.size()));
    StoreBe16(&p[4], 0x1234);
    p[8] = ttl;
    p[9] = protocol;
    std::memcpy(&p[12], src.bytes, 4);
    std::memcpy(&p[16], dst.bytes, 4);
    StoreBe16(&p[10], InternetChecksum(p.data(), 20));
  } else {
    p.assign(40, 0);
    p[0] = 0x60;
    StoreBe16(&p[4], static_cast<uint16_t>(payload.size()));
    p[6] = protocol;
    p[7] = ttl;
    std::memcpy(&p[8], src.bytes, 16);
    std::memcpy(&p[24], dst.bytes, 16);
  }
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

Bytes TcpPacket(const Addr& src, const Addr& dst, const TcpSpec& t, uint8_t ttl) {
  Bytes seg = TcpSegment(t);
  const uint16_t sum = src.family == kFamilyV4 ? TcpChecksumV4(src.bytes, dst.bytes, seg.data(), seg.size())
                                               : TcpChecksumV6(src.bytes, dst.bytes, seg.data(), seg.size());
  StoreBe16(&seg[16], sum);
  return IpPacket(src, dst, 6, seg, ttl);
}

Bytes IcmpUnreachable(const Addr& from, const Addr& to, const Bytes& original, size_t quote_len, uint8_t code) {
  const bool v6 = from.family == kFamilyV6;
  Bytes msg(8, 0);
  msg[0] = v6 ? 1 : 3;
  msg[1] = code;
  msg.insert(msg.end(), original.begin(),
             original.begin() + static_cast<std::ptrdiff_t>(std::min(quote_len, original.size())));
  const uint16_t sum = v6 ? TransportChecksumV6(from.bytes, to.bytes, 58, msg.data(), msg.size())
                          : InternetChecksum(msg.data(), msg.size());
  StoreBe16(&msg[2], sum);
  return IpPacket(from, to, v6 ? 58 : 1, msg, 250);
}

Bytes WrapLink(Link link, const Bytes& ip, int* dlt) {
  const bool v6 = (ip.at(0) >> 4) == 6;
  const uint16_t ethertype = v6 ? 0x86dd : 0x0800;
  Bytes h;
  switch (link) {
    case Link::kEthernet:
    case Link::kLoopback:
    case Link::kEthernetVlan:
      *dlt = kDltEn10mb;
      h.assign(12, 0);
      if (link != Link::kLoopback) {  // Linux 'lo' shows zero MACs
        const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02};
        std::memcpy(h.data(), macs, 12);
      }
      if (link == Link::kEthernetVlan) h.insert(h.end(), {0x81, 0x00, 0x00, 0x2a});  // VLAN 42
      h.push_back(static_cast<uint8_t>(ethertype >> 8));
      h.push_back(static_cast<uint8_t>(ethertype));
      break;
    case Link::kSll:
      *dlt = kDltLinuxSll;
      h.assign(16, 0);
      StoreBe16(&h[2], 1);  // ARPHRD_ETHER
      StoreBe16(&h[4], 6);
      StoreBe16(&h[14], ethertype);
      break;
    case Link::kSll2:
      *dlt = kDltLinuxSll2;
      h.assign(20, 0);
      StoreBe16(&h[0], ethertype);
      StoreBe32(&h[4], 2);  // ifindex
      StoreBe16(&h[8], 1);  // ARPHRD_ETHER
      h[11] = 6;
      break;
    case Link::kRaw:
      *dlt = kDltRaw;
      break;
    case Link::kRawIpvN:
      *dlt = v6 ? kDltIpv6 : kDltIpv4;
      break;
  }
  h.insert(h.end(), ip.begin(), ip.end());
  return h;
}

ParseStatus ParseExact(int dlt, const uint8_t* frame, size_t caplen, ParsedReply* out) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[caplen]);
  if (caplen > 0) std::memcpy(copy.get(), frame, caplen);
  return ParseFrame(dlt, copy.get(), caplen, out);
}

}  // namespace test
}  // namespace portscan
