// SPDX-License-Identifier: MIT
// plan_permute.cc: the Feistel permutation with cycle-walking (see plan_permute.h). The round
// function is a 64-bit finaliser (the MurmurHash3 fmix64 mixer) of the right half xor a round key;
// round keys come from the seed through SplitMix64, so nearby seeds give unrelated keys.
#include "plan_permute.h"

#include <cassert>

namespace portscan {
namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Mix64(uint64_t z) {
  z ^= z >> 33;
  z *= 0xff51afd7ed558ccdull;
  z ^= z >> 33;
  z *= 0xc4ceb9fe1a85ec53ull;
  z ^= z >> 33;
  return z;
}

// Bits needed for the values 0..n-1, rounded up to an even number of at least 2.
unsigned EvenBitWidth(uint64_t n) {
  unsigned bits = n <= 1 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(n - 1));
  if (bits < 2) bits = 2;
  return (bits + 1) & ~1u;
}

}  // namespace

Permutation::Permutation(uint64_t n, uint64_t seed) : n_(n == 0 ? 1 : n) {
  half_bits_ = EvenBitWidth(n_) / 2;
  half_mask_ = (1ull << half_bits_) - 1;  // h <= 32
  uint64_t state = seed;
  for (uint64_t& k : keys_) k = SplitMix64(&state);
}

uint64_t Permutation::Round(int r, uint64_t half) const { return Mix64(half ^ keys_[r]) & half_mask_; }

uint64_t Permutation::Encrypt(uint64_t x) const {
  uint64_t left = x >> half_bits_;
  uint64_t right = x & half_mask_;
  for (int r = 0; r < kRounds; ++r) {
    const uint64_t next = left ^ Round(r, right);
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

uint64_t Permutation::Decrypt(uint64_t x) const {
  uint64_t left = x >> half_bits_;
  uint64_t right = x & half_mask_;
  for (int r = kRounds - 1; r >= 0; --r) {
    const uint64_t prev = right ^ Round(r, left);
    right = left;
    left = prev;
  }
  return (left << half_bits_) | right;
}

uint64_t Permutation::Permute(uint64_t i) const {
  assert(i < n_);
  // Terminates: i's cycle under Encrypt returns to i, which is below n.
  uint64_t x = Encrypt(i);
  while (x >= n_) x = Encrypt(x);
  return x;
}

uint64_t Permutation::Unpermute(uint64_t j) const {
  assert(j < n_);
  uint64_t x = Decrypt(j);
  while (x >= n_) x = Decrypt(x);
  return x;
}

}  // namespace portscan
