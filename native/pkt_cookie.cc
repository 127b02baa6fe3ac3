// SPDX-License-Identifier: MIT
// pkt_cookie.cc: SipHash-2-4 written from the paper's specification (section 2), and the SYN
// cookie built on it (see pkt_cookie.h). A cookie hashes 12 (IPv4) or 36 (IPv6) bytes: one or
// four compression blocks plus the length block, with no allocation.
#include "pkt_cookie.h"

#include <cassert>
#include <cstring>

#include "pkt_bytes.h"

namespace portscan {
namespace {

inline uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

inline uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

struct SipState {
  uint64_t v0, v1, v2, v3;

  void Round() {
    v0 += v1;
    v1 = Rotl(v1, 13);
    v1 ^= v0;
    v0 = Rotl(v0, 32);
    v2 += v3;
    v3 = Rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Rotl(v1, 17);
    v1 ^= v2;
    v2 = Rotl(v2, 32);
  }

  // c = 2 compression rounds per message word.
  void Compress(uint64_t m) {
    v3 ^= m;
    Round();
    Round();
    v0 ^= m;
  }
};

size_t AddrLen(uint8_t family) {
  assert(family == kFamilyV4 || family == kFamilyV6);
  return family == kFamilyV6 ? 16 : 4;
}

}  // namespace

CookieKey CookieKeyFromBytes(const uint8_t* key_bytes16) {
  CookieKey key;
  key.k0 = LoadLe64(key_bytes16);
  key.k1 = LoadLe64(key_bytes16 + 8);
  return key;
}

uint64_t SipHash24(const CookieKey& key, const uint8_t* data, size_t len) {
  // Initialisation constants: "somepseudorandomlygeneratedbytes" (paper, section 2).
  SipState s{key.k0 ^ 0x736f6d6570736575ull, key.k1 ^ 0x646f72616e646f6dull, key.k0 ^ 0x6c7967656e657261ull,
             key.k1 ^ 0x7465646279746573ull};
  const size_t full = len & ~static_cast<size_t>(7);
  for (size_t i = 0; i < full; i += 8) s.Compress(LoadLe64(data + i));
  // Last block: the remaining 0..7 bytes, zero padded, with len mod 256 in the top byte.
  uint64_t last = static_cast<uint64_t>(len & 0xff) << 56;
  for (size_t i = 0; i < len - full; ++i) last |= static_cast<uint64_t>(data[full + i]) << (8 * i);
  s.Compress(last);
  // d = 4 finalisation rounds.
  s.v2 ^= 0xff;
  s.Round();
  s.Round();
  s.Round();
  s.Round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint32_t SynCookie(const CookieKey& key, uint8_t family, const uint8_t* src_addr_n, const uint8_t* dst_addr_n,
                   uint16_t src_port_h, uint16_t dst_port_h) {
  const size_t alen = AddrLen(family);
  uint8_t msg[36];
  std::memcpy(msg, src_addr_n, alen);
  std::memcpy(msg + alen, dst_addr_n, alen);
  StoreBe16(msg + 2 * alen, src_port_h);
  StoreBe16(msg + 2 * alen + 2, dst_port_h);
  return static_cast<uint32_t>(SipHash24(key, msg, 2 * alen + 4));
}

bool CookieMatches(const CookieKey& key, uint8_t family, const uint8_t* reply_src_addr_n,
                   const uint8_t* reply_dst_addr_n, uint16_t reply_src_port_h, uint16_t reply_dst_port_h,
                   uint32_t ack_h) {
  // The reply travels target -> us; our probe went us -> target, so reverse the tuple.
  const uint32_t cookie =
      SynCookie(key, family, reply_dst_addr_n, reply_src_addr_n, reply_dst_port_h, reply_src_port_h);
  return ack_h - 1u == cookie;  // RFC 793 section 3.3: a SYN consumes one sequence number
}

bool ProbeSeqMatches(const CookieKey& key, uint8_t family, const uint8_t* probe_src_addr_n,
                     const uint8_t* probe_dst_addr_n, uint16_t probe_src_port_h, uint16_t probe_dst_port_h,
                     uint32_t seq_h) {
  return seq_h == SynCookie(key, family, probe_src_addr_n, probe_dst_addr_n, probe_src_port_h, probe_dst_port_h);
}

}  // namespace portscan
