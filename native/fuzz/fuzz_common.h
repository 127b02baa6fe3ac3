// SPDX-License-Identifier: MIT
// fuzz_common.h: what the libFuzzer harness (fuzz_parse.cc) and its seed generator
// (make_corpus.cc) agree on: the first input byte picks the link type from kFuzzLinks, and the
// cookie key is fixed, so seeds can carry replies whose cookies match.
#pragma once

#include <cstddef>
#include <cstdint>

#include "pkt_parse.h"

namespace portscan {
namespace fuzz {

/// Link types, indexed by the input's first byte modulo kFuzzLinkCount. The last one is not a
/// link type libpcap would report to us: ParseFrame must answer kUnsupportedLink.
constexpr int kFuzzLinks[] = {kDltEn10mb, kDltRaw,  kDltRawOpenBsd, kLinktypeRaw, kDltLinuxSll,
                              kDltIpv4,   kDltIpv6, kDltLinuxSll2,  147 /* DLT_USER0 */};
constexpr size_t kFuzzLinkCount = sizeof(kFuzzLinks) / sizeof(kFuzzLinks[0]);

/// The selector byte for `link_type` (its index in kFuzzLinks), or -1.
inline int FuzzSelector(int link_type) {
  for (size_t i = 0; i < kFuzzLinkCount; ++i) {
    if (kFuzzLinks[i] == link_type) return static_cast<int>(i);
  }
  return -1;
}

/// The fixed SipHash key of the harness (bytes 0x00..0x0f, the SipHash paper's test key).
constexpr uint8_t kFuzzKey[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

}  // namespace fuzz
}  // namespace portscan
