// SPDX-License-Identifier: MIT
// pkt_test.cc: unit tests for the pure packet code of Stealth mode (pkt_checksum, pkt_cookie,
// pkt_template, pkt_parse, plan_permute; syn_table in syn_table_test.cc), with no framework and no Node. Built with
// AddressSanitizer and UBSan (CMakeLists.txt, portscan_pkt_test), so an out-of-bounds read in the
// parser fails the run even when the result looks right. Prints "N passed, M failed" and exits
// non-zero on any failure; test/native/packet.test.ts runs it under jest.
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "pkt_bytes.h"
#include "pkt_checksum.h"
#include "pkt_cookie.h"
#include "pkt_parse.h"
#include "pkt_template.h"
#include "pkt_test_util.h"
#include "plan_permute.h"

namespace portscan {
namespace test {
namespace {

// RFC 1071 section 3 example, a textbook IPv4 header, and scapy's raw(IP()/TCP()).
void TestChecksumVectors() {
  g_section = "checksum vectors";
  const uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(ChecksumAdd(rfc1071, sizeof(rfc1071), 0) == 0xddf2);
  CHECK(InternetChecksum(rfc1071, sizeof(rfc1071)) == 0x220d);
  // Chaining even-length pieces gives the same sum as one pass.
  CHECK(ChecksumAdd(rfc1071 + 4, 4, ChecksumAdd(rfc1071, 4, 0)) == 0xddf2);
  const uint8_t odd[] = {0x01};
  CHECK(ChecksumAdd(odd, 1, 0) == 0x0100);
  CHECK(InternetChecksum(nullptr, 0) == 0xffff);

  uint8_t ip[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                  0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  CHECK(InternetChecksum(ip, sizeof(ip)) == 0);  // verifies
  StoreBe16(ip + 10, 0);
  CHECK(InternetChecksum(ip, sizeof(ip)) == 0xb861);

  uint8_t pkt[] = {0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x7c, 0xcd, 0x7f, 0x00,
                   0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x00, 0x14, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00,
                   0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0x20, 0x00, 0x91, 0x7c, 0x00, 0x00};
  CHECK(InternetChecksum(pkt, 20) == 0);
  CHECK(TcpChecksumV4(pkt + 12, pkt + 16, pkt + 20, 20) == 0);
  StoreBe16(pkt + 36, 0);
  CHECK(TcpChecksumV4(pkt + 12, pkt + 16, pkt + 20, 20) == 0x917c);

  // The pseudo-header functions against a pseudo-header laid out in memory (RFC 8200 8.1).
  std::mt19937_64 rng(1071);
  for (int round = 0; round < 200; ++round) {
    uint8_t src[16], dst[16], seg[61];
    for (auto& b : src) b = static_cast<uint8_t>(rng());
    for (auto& b : dst) b = static_cast<uint8_t>(rng());
    for (auto& b : seg) b = static_cast<uint8_t>(rng());
    const size_t len = 20 + rng() % 42;  // odd lengths too
    Bytes buf(src, src + 16);
    buf.insert(buf.end(), dst, dst + 16);
    buf.insert(buf.end(), {0, 0, 0, static_cast<uint8_t>(len), 0, 0, 0, 6});
    buf.insert(buf.end(), seg, seg + len);
    CHECK(TcpChecksumV6(src, dst, seg, len) == InternetChecksum(buf.data(), buf.size()));
    Bytes buf4(src, src + 4);
    buf4.insert(buf4.end(), dst, dst + 4);
    buf4.insert(buf4.end(), {0, 6, 0, static_cast<uint8_t>(len)});
    buf4.insert(buf4.end(), seg, seg + len);
    CHECK(TcpChecksumV4(src, dst, seg, len) == InternetChecksum(buf4.data(), buf4.size()));
  }
}

// RFC 1624 updates against a full recompute, over random data with random field changes,
// including the words 0x0000 and 0xffff where equation 2 goes wrong.
void TestIncrementalHelpers() {
  g_section = "incremental checksum";
  std::mt19937_64 rng(1624);
  auto word = [&rng]() -> uint16_t {
    const uint64_t r = rng();
    if (r % 8 == 0) return 0;
    if (r % 8 == 1) return 0xffff;
    return static_cast<uint16_t>(r >> 16);
  };
  uint8_t data[40];
  for (int round = 0; round < 20000; ++round) {
    for (size_t i = 0; i < sizeof(data); i += 2) StoreBe16(data + i, word());
    uint16_t sum = InternetChecksum(data, sizeof(data));
    const size_t off = 2 * (rng() % 20);
    switch (round % 3) {
      case 0: {
        const uint16_t old_h = LoadBe16(data + off), new_h = word();
        StoreBe16(data + off, new_h);
        sum = ChecksumUpdate16(sum, old_h, new_h);
        break;
      }
      case 1: {
        const size_t off32 = off > 36 ? 36 : off;
        const uint32_t old_h = LoadBe32(data + off32);
        const uint32_t new_h = (static_cast<uint32_t>(word()) << 16) | word();
        StoreBe32(data + off32, new_h);
        sum = ChecksumUpdate32(sum, old_h, new_h);
        break;
      }
      default: {
        const size_t off16 = off > 24 ? 24 : off;
        uint8_t old_n[16], new_n[16];
        std::memcpy(old_n, data + off16, 16);
        for (size_t i = 0; i < 16; i += 2) StoreBe16(new_n + i, word());
        std::memcpy(data + off16, new_n, 16);
        sum = ChecksumUpdateBytes(sum, old_n, new_n, 16);
        break;
      }
    }
    CHECK(sum == InternetChecksum(data, sizeof(data)));
  }
}

void TestTemplateLayout() {
  g_section = "template layout";
  TemplateOptions o;
  o.ethernet = true;
  ProbeTemplate t;
  CHECK(BuildProbeTemplate(o, &t));
  CHECK(t.size == 58 && t.ip_offset == 14 && t.tcp_offset == 34);
  CHECK(LoadBe16(t.frame + 12) == 0x0800);
  const uint8_t* ip = t.frame + 14;
  CHECK(ip[0] == 0x45 && LoadBe16(ip + 2) == 44 && ip[8] == 64 && ip[9] == 6);
  CHECK(LoadBe16(ip + 6) == 0);  // DF clear, no fragment offset
  const uint8_t* tcp = t.frame + 34;
  CHECK(tcp[12] == 0x60 && tcp[13] == 0x02 && LoadBe16(tcp + 14) == 1024);
  CHECK(tcp[20] == 2 && tcp[21] == 4 && LoadBe16(tcp + 22) == 1460);
  o.family = kFamilyV6;
  o.ethernet = false;
  CHECK(BuildProbeTemplate(o, &t));
  CHECK(t.size == 64 && t.ip_offset == 0 && t.tcp_offset == 40);
  CHECK(t.frame[0] == 0x60 && LoadBe16(t.frame + 4) == 24 && t.frame[6] == 6 && t.frame[7] == 64);
  o.family = 5;
  CHECK(!BuildProbeTemplate(o, &t));
}

// PatchProbe's incremental checksums must equal FullChecksums' for any patch.
void TestTemplatePatch() {
  g_section = "template patch";
  std::mt19937_64 rng(793);
  for (uint8_t family : {kFamilyV4, kFamilyV6}) {
    for (bool ethernet : {false, true}) {
      TemplateOptions o;
      o.family = family;
      o.ethernet = ethernet;
      for (auto& b : o.src_mac) b = static_cast<uint8_t>(rng());
      for (auto& b : o.dst_mac) b = static_cast<uint8_t>(rng());
      for (auto& b : o.src_addr_n) b = static_cast<uint8_t>(rng());
      o.ttl = static_cast<uint8_t>(rng());
      ProbeTemplate t;
      CHECK(BuildProbeTemplate(o, &t));
      const size_t alen = family == kFamilyV6 ? 16 : 4;
      uint8_t out[kMaxProbeSize], ref[kMaxProbeSize];
      for (int round = 0; round < 5000; ++round) {
        uint8_t dst[16];
        const uint64_t mode = round < 4 ? round : 4;  // all-zero and all-ones edge cases first
        for (auto& b : dst) b = mode == 0 ? 0 : mode == 1 ? 0xff : static_cast<uint8_t>(rng());
        const uint16_t dport = mode == 0 ? 0 : mode == 1 ? 0xffff : static_cast<uint16_t>(rng());
        const uint16_t sport = mode == 0 ? 0 : mode == 1 ? 0xffff : static_cast<uint16_t>(rng());
        const uint32_t seq = mode == 0 ? 0 : mode == 1 ? ~0u : static_cast<uint32_t>(rng());
        PatchProbe(t, out, dst, dport, sport, seq);
        std::memcpy(ref, out, t.size);
        FullChecksums(t, ref);
        CHECK(std::memcmp(out, ref, t.size) == 0);
        const uint8_t* ip = out + t.ip_offset;
        const uint8_t* tcp = out + t.tcp_offset;
        if (family == kFamilyV4) {
          CHECK(InternetChecksum(ip, 20) == 0);
          CHECK(TcpChecksumV4(ip + 12, ip + 16, tcp, 24) == 0);
        } else {
          CHECK(TcpChecksumV6(ip + 8, ip + 24, tcp, 24) == 0);
        }
        ParsedReply r;
        const int dlt = ethernet ? kDltEn10mb : kDltRaw;
        CHECK(ParseExact(dlt, out, t.size, &r) == ParseStatus::kOk);
        CHECK(r.kind == kReplyTcp && r.family == family && r.tcp_flags == 0x02);
        CHECK(r.src_port_h == sport && r.dst_port_h == dport && r.seq_h == seq && r.ack_h == 0);
        CHECK(std::memcmp(r.dst_addr_n, dst, alen) == 0);
        CHECK(std::memcmp(r.src_addr_n, o.src_addr_n, alen) == 0 && r.ttl == o.ttl);
      }
    }
  }
}

// The 64 vectors of the SipHash reference code (vectors.h; the paper's appendix A gives #15):
// key 00 01 .. 0f, message i = bytes 00 01 .. i-1; vectors.h lists each output as 8 bytes, which
// read little-endian give these numbers.
void TestSipHashVectors() {
  g_section = "siphash vectors";
  static const uint64_t kExpected[64] = {
      0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull, 0x0d6c8009d9a94f5aull, 0x85676696d7fb7e2dull, 0xcf2794e0277187b7ull,
      0x18765564cd99a68dull, 0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull, 0x93f5f5799a932462ull, 0x9e0082df0ba9e4b0ull,
      0x7a5dbbc594ddb9f3ull, 0xf4b32f46226bada7ull, 0x751e8fbc860ee5fbull, 0x14ea5627c0843d90ull, 0xf723ca908e7af2eeull,
      0xa129ca6149be45e5ull, 0x3f2acc7f57c29bdbull, 0x699ae9f52cbe4794ull, 0x4bc1b3f0968dd39cull, 0xbb6dc91da77961bdull,
      0xbed65cf21aa2ee98ull, 0xd0f2cbb02e3b67c7ull, 0x93536795e3a33e88ull, 0xa80c038ccd5ccec8ull, 0xb8ad50c6f649af94ull,
      0xbce192de8a85b8eaull, 0x17d835b85bbb15f3ull, 0x2f2e6163076bcfadull, 0xde4daaaca71dc9a5ull, 0xa6a2506687956571ull,
      0xad87a3535c49ef28ull, 0x32d892fad841c342ull, 0x7127512f72f27cceull, 0xa7f32346f95978e3ull, 0x12e0b01abb051238ull,
      0x15e034d40fa197aeull, 0x314dffbe0815a3b4ull, 0x027990f029623981ull, 0xcadcd4e59ef40c4dull, 0x9abfd8766a33735cull,
      0x0e3ea96b5304a7d0ull, 0xad0c42d6fc585992ull, 0x187306c89bc215a9ull, 0xd4a60abcf3792b95ull, 0xf935451de4f21df2ull,
      0xa9538f0419755787ull, 0xdb9acddff56ca510ull, 0xd06c98cd5c0975ebull, 0xe612a3cb9ecba951ull, 0xc766e62cfcadaf96ull,
      0xee64435a9752fe72ull, 0xa192d576b245165aull, 0x0a8787bf8ecb74b2ull, 0x81b3e73d20b49b6full, 0x7fa8220ba3b2eceaull,
      0x245731c13ca42499ull, 0xb78dbfaf3a8d83bdull, 0xea1ad565322a1a0bull, 0x60e61c23a3795013ull, 0x6606d7e446282b93ull,
      0x6ca4ecb15c5f91e1ull, 0x9f626da15c9625f3ull, 0xe51b38608ef25f57ull, 0x958a324ceb064572ull,
  };
  uint8_t key_bytes[16], msg[64];
  for (int i = 0; i < 16; ++i) key_bytes[i] = static_cast<uint8_t>(i);
  for (int i = 0; i < 64; ++i) msg[i] = static_cast<uint8_t>(i);
  const CookieKey key = CookieKeyFromBytes(key_bytes);
  CHECK(key.k0 == 0x0706050403020100ull && key.k1 == 0x0f0e0d0c0b0a0908ull);
  for (int len = 0; len < 64; ++len) {
    CHECK(SipHash24(key, msg, static_cast<size_t>(len)) == kExpected[len]);
  }
  CHECK(SipHash24(key, msg, 15) == 0xa129ca6149be45e5ull);  // the paper, appendix A
}

// A probe goes out; the target's SYN-ACK / RST and a router's ICMP unreachable come back through
// every link type; the parsed reply must match the cookie, and forgeries must not.
void TestCookieRoundTrip() {
  g_section = "cookie round trip";
  std::mt19937_64 rng(2012);
  uint8_t key_bytes[16];
  for (auto& b : key_bytes) b = static_cast<uint8_t>(rng());
  const CookieKey key = CookieKeyFromBytes(key_bytes);
  CookieKey other = key;
  other.k1 ^= 1;
  for (const Addr& us : {V4(10, 0, 0, 1), V6(0x2001, 0x0001)}) {
    const Addr target = us.family == kFamilyV4 ? V4(192, 0, 2, 7) : V6(0x2001, 0x0007);
    const Addr router = us.family == kFamilyV4 ? V4(198, 51, 100, 1) : V6(0xfe80, 0x0001);
    const size_t alen = us.family == kFamilyV4 ? 4 : 16;
    TemplateOptions o;
    o.family = us.family;
    std::memcpy(o.src_addr_n, us.bytes, 16);
    ProbeTemplate t;
    CHECK(BuildProbeTemplate(o, &t));
    for (int round = 0; round < 50; ++round) {
      const uint16_t sport = static_cast<uint16_t>(61000 + rng() % 4000);
      const uint16_t dport = static_cast<uint16_t>(rng());
      const uint32_t cookie = SynCookie(key, us.family, us.bytes, target.bytes, sport, dport);
      uint8_t probe[kMaxProbeSize];
      PatchProbe(t, probe, target.bytes, dport, sport, cookie);
      const Bytes probe_ip(probe, probe + t.size);

      TcpSpec reply;
      reply.src_port_h = dport;
      reply.dst_port_h = sport;
      reply.seq_h = static_cast<uint32_t>(rng());
      reply.ack_h = cookie + 1;
      reply.flags = round % 2 ? 0x12 : 0x14;  // SYN-ACK or RST-ACK
      reply.options_len = round % 2 ? 20 : 0;
      const Bytes synack = TcpPacket(target, us, reply, 57);
      // Quote the IP header and the 8 bytes of TCP RFC 792 promises, or the whole probe.
      const size_t quote_len = round % 3 ? (alen == 4 ? 28 : 48) : 512;
      const Bytes icmp = IcmpUnreachable(router, us, probe_ip, quote_len, 3);
      for (Link link : kAllLinks) {
        int dlt = 0;
        const Bytes frame = WrapLink(link, synack, &dlt);
        ParsedReply r;
        CHECK(ParseExact(dlt, frame.data(), frame.size(), &r) == ParseStatus::kOk);
        CHECK(r.kind == kReplyTcp && r.tcp_flags == reply.flags && r.ttl == 57);
        CHECK(r.src_port_h == dport && r.dst_port_h == sport && r.seq_h == reply.seq_h);
        CHECK(CookieMatches(key, r.family, r.src_addr_n, r.dst_addr_n, r.src_port_h, r.dst_port_h, r.ack_h));
        CHECK(!CookieMatches(key, r.family, r.src_addr_n, r.dst_addr_n, r.src_port_h, r.dst_port_h, r.ack_h + 1));
        CHECK(!CookieMatches(key, r.family, r.src_addr_n, r.dst_addr_n, r.src_port_h + 1, r.dst_port_h, r.ack_h));
        CHECK(!CookieMatches(other, r.family, r.src_addr_n, r.dst_addr_n, r.src_port_h, r.dst_port_h, r.ack_h));

        const Bytes iframe = WrapLink(link, icmp, &dlt);
        CHECK(ParseExact(dlt, iframe.data(), iframe.size(), &r) == ParseStatus::kOk);
        CHECK(r.kind == kReplyIcmpUnreachable && r.icmp_code == 3);
        CHECK(r.icmp_type == (us.family == kFamilyV4 ? 3 : 1));
        CHECK(std::memcmp(r.src_addr_n, router.bytes, alen) == 0);
        CHECK(std::memcmp(r.orig_dst_addr_n, target.bytes, alen) == 0);
        CHECK(r.orig_src_port_h == sport && r.orig_dst_port_h == dport && r.orig_seq_h == cookie);
        CHECK(ProbeSeqMatches(key, r.family, r.orig_src_addr_n, r.orig_dst_addr_n, r.orig_src_port_h, r.orig_dst_port_h,
                              r.orig_seq_h));
        CHECK(!ProbeSeqMatches(key, r.family, r.orig_src_addr_n, r.orig_dst_addr_n, r.orig_src_port_h,
                               r.orig_dst_port_h, r.orig_seq_h ^ 0x100));
      }
    }
  }
}

void CheckBijection(uint64_t n, uint64_t seed) {
  const Permutation p(n, seed);
  std::vector<uint8_t> seen(n, 0);
  bool in_range = true, once = true, inverse = true;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t j = p.Permute(i);
    if (j >= n) {
      in_range = false;
      continue;
    }
    if (seen[j]++) once = false;
    if (p.Unpermute(j) != i) inverse = false;
  }
  CHECK(in_range);
  CHECK(once);  // n outputs in [0, n), none twice: every output hit exactly once
  CHECK(inverse);
}

void TestPermutation() {
  g_section = "permutation";
  for (uint64_t n : {1ull, 2ull, 3ull, 4ull, 5ull, 7ull, 16ull, 17ull, 1000ull, 65535ull, 65536ull, 100003ull}) {
    CheckBijection(n, 1);
    CheckBijection(n, 0x9e3779b97f4a7c15ull);
  }
  CHECK(Permutation(1, 5).Permute(0) == 0);
  CHECK(Permutation(0, 5).size() == 1);
  for (uint64_t n : {1000ull, 65535ull, 100003ull}) {
    const Permutation a(n, 1), b(n, 2);
    uint64_t same = 0;
    for (uint64_t i = 0; i < n; ++i) same += a.Permute(i) == b.Permute(i);
    CHECK(same < n / 50);  // unrelated orders agree on about 1/n of the positions
    uint64_t fixed = 0;
    for (uint64_t i = 0; i < n; ++i) fixed += a.Permute(i) == i;
    CHECK(fixed < n / 50);
  }
  // Huge domains: spot checks of range and inverse.
  std::mt19937_64 rng(63);
  for (uint64_t n : {(1ull << 63), (1ull << 40) + 3, ~0ull}) {
    const Permutation p(n, rng());
    bool ok = true;
    for (int k = 0; k < 2000; ++k) {
      const uint64_t i = rng() % n;
      const uint64_t j = p.Permute(i);
      ok = ok && j < n && p.Unpermute(j) == i;
    }
    CHECK(ok);
  }
}

}  // namespace
}  // namespace test
}  // namespace portscan

int main() {
  using namespace portscan::test;
  TestChecksumVectors();
  TestIncrementalHelpers();
  TestTemplateLayout();
  TestTemplatePatch();
  TestSipHashVectors();
  TestCookieRoundTrip();
  TestParser();
  TestPermutation();
  TestOutstandingProbes();
  std::printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
