// SPDX-License-Identifier: MIT
// fuzz_parse.cc: libFuzzer harness for the Stealth-mode receive path: ParseFrame on arbitrary
// bytes, for each supported link type (picked by the first byte, see fuzz_common.h), then, when
// the frame parses, the cookie check the receive loop runs on it (CookieMatches for a TCP reply,
// ProbeSeqMatches for an ICMP quote) under a fixed key. Built with -fsanitize=fuzzer,address,
// undefined by scripts/fuzz.sh: libFuzzer hands over an exactly-sized heap copy of the input,
// so any read past the capture is an AddressSanitizer report, and any undefined behaviour a
// UBSan one. On top of memory safety it checks what pkt_parse.h promises about a kOk result
// (a known kind and family, fields of the other kind zero, IPv4 addresses zero past 4 bytes)
// and that the cookie check accepts the cookie it computes: a broken promise aborts the run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_common.h"
#include "pkt_cookie.h"
#include "pkt_parse.h"

namespace {

using portscan::CookieKey;
using portscan::ParsedReply;
using portscan::ParseStatus;

void Fail(const char* what) {
  std::fprintf(stderr, "fuzz_parse: broken invariant: %s\n", what);
  std::abort();
}

#define EXPECT(cond)          \
  do {                        \
    if (!(cond)) Fail(#cond); \
  } while (0)

bool AllZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

void CheckReply(const CookieKey& key, const ParsedReply& r) {
  EXPECT(r.kind == portscan::kReplyTcp || r.kind == portscan::kReplyIcmpUnreachable);
  EXPECT(r.family == portscan::kFamilyV4 || r.family == portscan::kFamilyV6);
  if (r.family == portscan::kFamilyV4) {
    EXPECT(AllZero(r.src_addr_n + 4, 12) && AllZero(r.dst_addr_n + 4, 12));
    EXPECT(AllZero(r.orig_src_addr_n + 4, 12) && AllZero(r.orig_dst_addr_n + 4, 12));
  }
  if (r.kind == portscan::kReplyTcp) {
    EXPECT(r.icmp_type == 0 && r.icmp_code == 0 && r.orig_src_port_h == 0 && r.orig_dst_port_h == 0 &&
           r.orig_seq_h == 0);
    EXPECT(AllZero(r.orig_src_addr_n, 16) && AllZero(r.orig_dst_addr_n, 16));
    // The receive loop's check (syn_loop.cc): does ack - 1 carry our cookie?
    const bool ours =
        portscan::CookieMatches(key, r.family, r.src_addr_n, r.dst_addr_n, r.src_port_h, r.dst_port_h, r.ack_h);
    // And it must accept the cookie of the reversed tuple, and only with ack = cookie + 1.
    const uint32_t cookie = portscan::SynCookie(key, r.family, r.dst_addr_n, r.src_addr_n, r.dst_port_h, r.src_port_h);
    EXPECT(ours == (r.ack_h == cookie + 1u));
    EXPECT(portscan::CookieMatches(key, r.family, r.src_addr_n, r.dst_addr_n, r.src_port_h, r.dst_port_h, cookie + 1u));
  } else {
    EXPECT(r.src_port_h == 0 && r.dst_port_h == 0 && r.seq_h == 0 && r.ack_h == 0 && r.window_h == 0 &&
           r.tcp_flags == 0);
    EXPECT((r.family == portscan::kFamilyV4 && r.icmp_type == 3) ||
           (r.family == portscan::kFamilyV6 && r.icmp_type == 1));
    const bool ours = portscan::ProbeSeqMatches(key, r.family, r.orig_src_addr_n, r.orig_dst_addr_n, r.orig_src_port_h,
                                                r.orig_dst_port_h, r.orig_seq_h);
    const uint32_t cookie =
        portscan::SynCookie(key, r.family, r.orig_src_addr_n, r.orig_dst_addr_n, r.orig_src_port_h, r.orig_dst_port_h);
    EXPECT(ours == (r.orig_seq_h == cookie));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const CookieKey key = portscan::CookieKeyFromBytes(portscan::fuzz::kFuzzKey);
  if (size == 0) return 0;
  const int link = portscan::fuzz::kFuzzLinks[data[0] % portscan::fuzz::kFuzzLinkCount];
  // The frame is the rest of the input, read in place: libFuzzer's buffer ends exactly there.
  // An empty capture is passed as a null pointer, which ParseFrame allows for caplen 0.
  const uint8_t* frame = size > 1 ? data + 1 : nullptr;
  const size_t caplen = size - 1;
  ParsedReply r;
  const ParseStatus st = portscan::ParseFrame(link, frame, caplen, &r);
  EXPECT(portscan::ParseStatusName(st) != nullptr);
  if (link == 147) EXPECT(st == ParseStatus::kUnsupportedLink);
  if (st == ParseStatus::kOk) CheckReply(key, r);
  // Raw-IP inputs also go through the entry point that skips the link layer.
  if (link == portscan::kDltRaw) {
    ParsedReply q;
    const ParseStatus st2 = portscan::ParseIpPacket(frame, caplen, &q);
    EXPECT(st2 == st && std::memcmp(&q, &r, sizeof(r)) == 0);
  }
  return 0;
}
