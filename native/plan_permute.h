// SPDX-License-Identifier: MIT
// plan_permute.h: a keyed permutation of [0, n) for the scan plan, so probes go out in an order
// that looks random (spreading load over targets and networks) while each index is still visited
// exactly once, with O(1) memory and no table of what was sent. Same idea as masscan's BlackRock
// (an unbalanced domain made to fit a Feistel network by cycle-walking), independently written.
// It only maps indices; turning an index into an address and port is the scan plan's job.
//
// How: a balanced Feistel network over the smallest even bit width 2h with 2^(2h) >= n (h >= 1)
// is a bijection on [0, 2^(2h)). For an index i < n, apply it repeatedly until the value lands
// below n ("cycle-walking", Black and Rogaway 2002); that is a bijection on [0, n). Since
// 2^(2h) < 4n, the expected number of network evaluations per index is below 4.
#pragma once

#include <cstdint>

namespace portscan {

class Permutation {
 public:
  /// Rounds of the Feistel network. Luby and Rackoff show 4 rounds of a pseudorandom round
  /// function suffice; 6 give a better mix for tiny domains (h of 1 or 2 bits) at little cost.
  static constexpr int kRounds = 6;

  /// A permutation of [0, n), n >= 1 (n = 0 is treated as 1), selected by `seed`: the same
  /// (n, seed) always gives the same order; different seeds give unrelated orders.
  Permutation(uint64_t n, uint64_t seed);

  /// The image of `i` (which must be < size()). Bijective on [0, size()). Thread-safe (const).
  uint64_t Permute(uint64_t i) const;

  /// The inverse: Unpermute(Permute(i)) == i for every i < size().
  uint64_t Unpermute(uint64_t j) const;

  uint64_t size() const { return n_; }

 private:
  uint64_t Round(int r, uint64_t half) const;
  uint64_t Encrypt(uint64_t x) const;
  uint64_t Decrypt(uint64_t x) const;

  uint64_t n_;
  unsigned half_bits_;  // h
  uint64_t half_mask_;  // 2^h - 1
  uint64_t keys_[kRounds];
};

}  // namespace portscan
