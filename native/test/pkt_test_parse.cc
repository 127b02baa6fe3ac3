// SPDX-License-Identifier: MIT
// pkt_test_parse.cc: pkt_parse against valid frames of every link type, every prefix of them
// (a capture cut anywhere), hand-made malformed frames and random mutations. Run under ASan, a
// read past `caplen` fails the run even if the status returned was right.
#include <algorithm>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "pkt_bytes.h"
#include "pkt_test_util.h"

namespace portscan {
namespace test {
namespace {

const Addr kUs4 = V4(10, 0, 0, 1), kThem4 = V4(192, 0, 2, 9), kRouter4 = V4(198, 51, 100, 1);
const Addr kUs6 = V6(0x2001, 1), kThem6 = V6(0x2001, 9), kRouter6 = V6(0xfe80, 1);

TcpSpec Reply(uint8_t flags, size_t options_len, size_t payload_len) {
  TcpSpec t;
  t.src_port_h = 443;
  t.dst_port_h = 61234;
  t.seq_h = 0x01020304;
  t.ack_h = 0xa0b0c0d1;
  t.flags = flags;
  t.options_len = options_len;
  t.payload_len = payload_len;
  return t;
}

TcpSpec Probe() {
  TcpSpec t;
  t.src_port_h = 61234;
  t.dst_port_h = 443;
  t.seq_h = 0xa0b0c0d0;
  t.flags = 0x02;
  t.options_len = 4;
  return t;
}

ParseStatus ParseRaw(const Bytes& ip, ParsedReply* r) { return ParseExact(kDltRaw, ip.data(), ip.size(), r); }

// `ip` (IPv4) with 4 bytes of IP options (NOP NOP NOP EOL) after the fixed header.
Bytes WithIpv4Options(Bytes ip) {
  ip.insert(ip.begin() + 20, {1, 1, 1, 0});
  ip[0] = 0x46;
  StoreBe16(&ip[2], static_cast<uint16_t>(ip.size()));
  return ip;
}

// An IPv6 packet whose payload starts with the extension headers `ext` (each given complete,
// its first byte the next header) and then `upper`, of protocol `upper_proto`.
Bytes Ipv6WithExt(const std::vector<std::pair<uint8_t, Bytes>>& ext, uint8_t upper_proto, const Bytes& upper) {
  Bytes payload;
  for (size_t i = 0; i < ext.size(); ++i) {
    Bytes h = ext[i].second;
    h[0] = i + 1 < ext.size() ? ext[i + 1].first : upper_proto;
    payload.insert(payload.end(), h.begin(), h.end());
  }
  payload.insert(payload.end(), upper.begin(), upper.end());
  return IpPacket(kThem6, kUs6, ext.empty() ? upper_proto : ext[0].first, payload, 64);
}

const Bytes kOptions8 = {0, 0, 1, 4, 0, 0, 0, 0};  // a 8-byte HBH / dest-options header (PadN)

std::vector<Bytes> ValidIpPackets() {
  std::vector<Bytes> v;
  for (int fam = 0; fam < 2; ++fam) {
    const Addr& us = fam ? kUs6 : kUs4;
    const Addr& them = fam ? kThem6 : kThem4;
    const Addr& router = fam ? kRouter6 : kRouter4;
    const Bytes probe = TcpPacket(us, them, Probe(), 64);
    v.push_back(TcpPacket(them, us, Reply(0x12, 0, 0), 64));
    v.push_back(TcpPacket(them, us, Reply(0x12, 20, 5), 64));
    v.push_back(TcpPacket(them, us, Reply(0x14, 0, 0), 64));
    v.push_back(IcmpUnreachable(router, us, probe, fam ? 48 : 28, 1));  // IP + 8 bytes of TCP
    v.push_back(IcmpUnreachable(router, us, probe, 1000, 3));           // the whole probe
  }
  v.push_back(WithIpv4Options(TcpPacket(kThem4, kUs4, Reply(0x12, 4, 0), 64)));
  v.push_back(Ipv6WithExt({{0, kOptions8}, {60, kOptions8}}, 6, TcpSegment(Reply(0x12, 0, 0))));
  return v;
}

void TestValidAndPrefixes() {
  g_section = "parse valid + every prefix";
  for (const Bytes& ip : ValidIpPackets()) {
    for (Link link : kAllLinks) {
      int dlt = 0;
      const Bytes frame = WrapLink(link, ip, &dlt);
      ParsedReply r;
      CHECK(ParseExact(dlt, frame.data(), frame.size(), &r) == ParseStatus::kOk);
      CHECK(r.kind == kReplyTcp || r.kind == kReplyIcmpUnreachable);
      bool all_rejected = true;
      for (size_t len = 0; len < frame.size(); ++len) {
        if (ParseExact(dlt, frame.data(), len, &r) == ParseStatus::kOk) all_rejected = false;
      }
      CHECK(all_rejected);
      // Trailing bytes after the packet (Ethernet pads frames to 60 bytes) are ignored.
      Bytes padded = frame;
      padded.resize(frame.size() + 18, 0);
      CHECK(ParseExact(dlt, padded.data(), padded.size(), &r) == ParseStatus::kOk);
    }
  }
  ParsedReply r;
  CHECK(ParseExact(kDltRaw, nullptr, 0, &r) == ParseStatus::kTruncated);
  CHECK(ParseFrame(kDltEn10mb, nullptr, 0, &r) == ParseStatus::kTruncated);
  const Bytes ip = TcpPacket(kThem4, kUs4, Reply(0x12, 0, 0), 64);
  CHECK(ParseIpPacket(ip.data(), ip.size(), &r) == ParseStatus::kOk && r.src_port_h == 443);
}

void TestMalformedIpv4() {
  g_section = "parse malformed IPv4/TCP/ICMP";
  ParsedReply r;
  const Bytes good = TcpPacket(kThem4, kUs4, Reply(0x12, 0, 0), 64);
  Bytes b = good;
  b[0] = 0x44;  // IHL 4
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = good;
  b[0] = 0x4f;  // IHL 15: 60 bytes, more than the 40-byte packet
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = good;
  StoreBe16(&b[2], 10);  // total length below the header
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = good;
  StoreBe16(&b[2], static_cast<uint16_t>(good.size() + 1));  // total length > caplen
  CHECK(ParseRaw(b, &r) == ParseStatus::kTruncated);
  b = good;
  StoreBe16(&b[2], 0xffff);
  CHECK(ParseRaw(b, &r) == ParseStatus::kTruncated);
  b = good;
  b[0] = 0x75;  // version 7
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = good;
  b[0] = 0x65;  // says 6 behind an IPv4 ethertype / DLT_IPV4
  int dlt = 0;
  Bytes f = WrapLink(Link::kEthernet, good, &dlt);
  f[14] = 0x65;
  CHECK(ParseExact(dlt, f.data(), f.size(), &r) == ParseStatus::kMalformed);
  CHECK(ParseExact(kDltIpv4, b.data(), b.size(), &r) == ParseStatus::kMalformed);
  b = good;
  b[32] = 0x40;  // TCP data offset 4
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = good;
  b[32] = 0xf0;  // data offset 15: 60 bytes in a 20-byte segment
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = good;
  b.resize(30);  // a 10-byte "TCP header"
  StoreBe16(&b[2], 30);
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = good;
  StoreBe16(&b[6], 0x2000);  // more fragments
  CHECK(ParseRaw(b, &r) == ParseStatus::kFragment);
  StoreBe16(&b[6], 0x0010);  // offset 128
  CHECK(ParseRaw(b, &r) == ParseStatus::kFragment);
  StoreBe16(&b[6], 0x4000);  // DF only: fine
  CHECK(ParseRaw(b, &r) == ParseStatus::kOk);
  b = good;
  b[9] = 17;  // UDP
  CHECK(ParseRaw(b, &r) == ParseStatus::kNotTcpOrIcmp);

  const Bytes probe = TcpPacket(kUs4, kThem4, Probe(), 64);
  b = IcmpUnreachable(kRouter4, kUs4, probe, 28, 3);
  b[20] = 0;  // echo reply
  CHECK(ParseRaw(b, &r) == ParseStatus::kNotTcpOrIcmp);
  b = IcmpUnreachable(kRouter4, kUs4, probe, 28, 3);
  b[28 + 9] = 17;  // quotes UDP
  CHECK(ParseRaw(b, &r) == ParseStatus::kNotTcpOrIcmp);
  b = IcmpUnreachable(kRouter4, kUs4, probe, 24, 3);  // only 4 bytes of TCP quoted
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = IcmpUnreachable(kRouter4, kUs4, probe, 28, 3);
  b[28] = 0x43;  // quoted IHL 3
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b[28] = 0x46;  // quoted IHL 6: the 8 TCP bytes are no longer all there
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = IcmpUnreachable(kRouter4, kUs4, probe, 0, 3);
  b.resize(24);  // a 4-byte ICMP message
  StoreBe16(&b[2], 24);
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
}

void TestMalformedIpv6() {
  g_section = "parse malformed IPv6";
  ParsedReply r;
  const Bytes seg = TcpSegment(Reply(0x12, 0, 0));
  const Bytes good = Ipv6WithExt({}, 6, seg);
  CHECK(ParseRaw(good, &r) == ParseStatus::kOk);
  Bytes b = good;
  StoreBe16(&b[4], 0);  // jumbogram
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = good;
  StoreBe16(&b[4], static_cast<uint16_t>(seg.size() + 1));
  CHECK(ParseRaw(b, &r) == ParseStatus::kTruncated);
  b = good;
  b[40 + 12] = 0x30;  // TCP data offset 3
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  // Extension header chains.
  CHECK(ParseRaw(Ipv6WithExt({{0, kOptions8}}, 6, seg), &r) == ParseStatus::kOk);
  Bytes ah(12, 0);
  ah[1] = 1;  // (1 + 2) * 4 = 12 bytes
  CHECK(ParseRaw(Ipv6WithExt({{51, ah}}, 6, seg), &r) == ParseStatus::kOk);
  ah[1] = 200;  // 808 bytes: past the packet
  CHECK(ParseRaw(Ipv6WithExt({{51, ah}}, 6, seg), &r) == ParseStatus::kMalformed);
  CHECK(ParseRaw(Ipv6WithExt({{60, kOptions8}, {0, kOptions8}}, 6, seg), &r) ==
        ParseStatus::kMalformed);  // hop-by-hop not first
  CHECK(ParseRaw(Ipv6WithExt({{44, kOptions8}}, 6, seg), &r) == ParseStatus::kFragment);
  CHECK(ParseRaw(Ipv6WithExt({}, 59, seg), &r) == ParseStatus::kNotTcpOrIcmp);  // no next
  CHECK(ParseRaw(Ipv6WithExt({}, 50, seg), &r) == ParseStatus::kNotTcpOrIcmp);  // ESP
  std::vector<std::pair<uint8_t, Bytes>> chain(8, {60, kOptions8});
  CHECK(ParseRaw(Ipv6WithExt(chain, 6, seg), &r) == ParseStatus::kOk);
  chain.push_back({60, kOptions8});
  CHECK(ParseRaw(Ipv6WithExt(chain, 6, seg), &r) == ParseStatus::kMalformed);  // 9: too long
  Bytes huge = kOptions8;
  huge[1] = 255;  // claims 2048 bytes
  CHECK(ParseRaw(Ipv6WithExt({{43, huge}}, 6, seg), &r) == ParseStatus::kMalformed);
  b = Ipv6WithExt({{60, kOptions8}}, 6, Bytes());  // the chain ends exactly at the packet end
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = IpPacket(kThem6, kUs6, 60, Bytes{6}, 64);  // a 1-byte extension header
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  // ICMPv6.
  const Bytes probe = TcpPacket(kUs6, kThem6, Probe(), 64);
  b = IcmpUnreachable(kRouter6, kUs6, probe, 48, 4);
  CHECK(ParseRaw(b, &r) == ParseStatus::kOk && r.icmp_code == 4 && r.orig_dst_port_h == 443);
  b[40] = 128;  // echo request
  CHECK(ParseRaw(b, &r) == ParseStatus::kNotTcpOrIcmp);
  b = IcmpUnreachable(kRouter6, kUs6, probe, 44, 4);  // 4 bytes of TCP
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = IcmpUnreachable(kRouter6, kUs6, probe, 30, 4);  // not even the IPv6 header
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b = IcmpUnreachable(kRouter6, kUs6, probe, 48, 4);
  b[48 + 6] = 60;  // quoted next header: dest options, whose length runs off the quote
  b[48 + 41] = 200;
  CHECK(ParseRaw(b, &r) == ParseStatus::kMalformed);
  b[48 + 6] = 17;  // quotes UDP
  CHECK(ParseRaw(b, &r) == ParseStatus::kNotTcpOrIcmp);
  b[48 + 6] = 44;  // quotes a fragment
  CHECK(ParseRaw(b, &r) == ParseStatus::kFragment);
}

void TestLinkLayers() {
  g_section = "parse link layers";
  ParsedReply r;
  const Bytes ip = TcpPacket(kThem4, kUs4, Reply(0x12, 0, 0), 64);
  int dlt = 0;
  Bytes f = WrapLink(Link::kEthernet, ip, &dlt);
  StoreBe16(&f[12], 0x0806);  // ARP
  CHECK(ParseExact(dlt, f.data(), f.size(), &r) == ParseStatus::kNotIp);
  StoreBe16(&f[12], 0x05dc);  // IEEE 802.3 length field
  CHECK(ParseExact(dlt, f.data(), f.size(), &r) == ParseStatus::kNotIp);
  f = WrapLink(Link::kEthernetVlan, ip, &dlt);
  StoreBe16(&f[16], 0x8100);  // a second tag
  CHECK(ParseExact(dlt, f.data(), f.size(), &r) == ParseStatus::kNotIp);
  f = WrapLink(Link::kSll, ip, &dlt);
  StoreBe16(&f[14], 0x0806);
  CHECK(ParseExact(dlt, f.data(), f.size(), &r) == ParseStatus::kNotIp);
  f = WrapLink(Link::kSll2, ip, &dlt);
  StoreBe16(&f[0], 0);
  CHECK(ParseExact(dlt, f.data(), f.size(), &r) == ParseStatus::kNotIp);
  CHECK(ParseExact(9999, ip.data(), ip.size(), &r) == ParseStatus::kUnsupportedLink);
  CHECK(ParseExact(kLinktypeRaw, ip.data(), ip.size(), &r) == ParseStatus::kOk);
  CHECK(ParseExact(kDltRawOpenBsd, ip.data(), ip.size(), &r) == ParseStatus::kOk);
  f = WrapLink(Link::kLoopback, ip, &dlt);
  CHECK(ParseExact(dlt, f.data(), f.size(), &r) == ParseStatus::kOk && r.dst_port_h == 61234);
  CHECK(std::strcmp(ParseStatusName(ParseStatus::kNotTcpOrIcmp), "not-tcp-or-icmp") == 0);
}

// Random damage to valid frames and random garbage: only ASan/UBSan can fail this, plus the
// invariant that kOk always comes with a known kind and family.
void TestFuzz() {
  g_section = "parse fuzz";
  std::mt19937_64 rng(8200);
  const int dlts[] = {kDltEn10mb, kDltRaw, kDltLinuxSll, kDltLinuxSll2, kDltIpv4, kDltIpv6};
  bool invariant = true;
  int ok = 0;
  for (const Bytes& ip : ValidIpPackets()) {
    for (Link link : kAllLinks) {
      int dlt = 0;
      const Bytes frame = WrapLink(link, ip, &dlt);
      for (int round = 0; round < 3000; ++round) {
        Bytes b = frame;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k) {
          const size_t at = rng() % std::min<size_t>(b.size(), 80);  // mostly header bytes
          b[at] = static_cast<uint8_t>(rng());
        }
        if (rng() % 4 == 0) b.resize(rng() % (b.size() + 1));
        if (rng() % 8 == 0) b.resize(b.size() + rng() % 16, static_cast<uint8_t>(rng()));
        ParsedReply r;
        const int use_dlt = rng() % 16 == 0 ? dlts[rng() % 6] : dlt;
        if (ParseExact(use_dlt, b.data(), b.size(), &r) == ParseStatus::kOk) {
          ++ok;
          invariant = invariant && (r.kind == kReplyTcp || r.kind == kReplyIcmpUnreachable) &&
                      (r.family == kFamilyV4 || r.family == kFamilyV6);
        }
      }
    }
  }
  for (int round = 0; round < 50000; ++round) {
    Bytes b(rng() % 160);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (!b.empty() && rng() % 2) b[0] = static_cast<uint8_t>(rng() % 2 ? 0x45 : 0x60);
    ParsedReply r;
    if (ParseExact(dlts[rng() % 6], b.data(), b.size(), &r) == ParseStatus::kOk) {
      invariant = invariant && (r.kind == kReplyTcp || r.kind == kReplyIcmpUnreachable);
    }
  }
  CHECK(invariant);
  CHECK(ok > 0);  // the mutations left some frames valid (flipped payload or checksum bytes)
}

}  // namespace

void TestParser() {
  TestValidAndPrefixes();
  TestMalformedIpv4();
  TestMalformedIpv6();
  TestLinkLayers();
  TestFuzz();
}

}  // namespace test
}  // namespace portscan
