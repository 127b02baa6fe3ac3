// SPDX-License-Identifier: MIT
// syn_table.cc: ring + index of probes in flight (see syn_table.h).
#include "syn_table.h"

namespace portscan {
namespace {
uint64_t RoundUpPow2(uint64_t v) {
  uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}
}  // namespace

OutstandingProbes::OutstandingProbes(uint64_t capacity) {
  const uint64_t ring = RoundUpPow2(capacity < 16 ? 16 : capacity);
  ring_.resize(ring);
  ring_mask_ = ring - 1;
  const uint64_t index = ring * 2;  // load factor <= 1/2 keeps probe chains short
  keys_.assign(index, 0);
  positions_.assign(index, 0);
  index_mask_ = index - 1;
}

size_t OutstandingProbes::Home(uint64_t j) const {
  uint64_t h = (j + 1) * 0x9e3779b97f4a7c15ull;  // Fibonacci hashing spreads sequential indices
  return static_cast<size_t>((h ^ (h >> 29)) & index_mask_);
}

void OutstandingProbes::Push(uint64_t j, uint64_t i, uint64_t sent_us, uint8_t attempt, uint8_t family) {
  const uint64_t pos = tail_++;
  ring_[pos & ring_mask_] = Entry{j, i, sent_us, attempt, 0, family};
  size_t slot = Home(j);
  while (keys_[slot] != 0 && keys_[slot] != j + 1) slot = (slot + 1) & index_mask_;
  keys_[slot] = j + 1;
  positions_[slot] = pos;
}

uint64_t OutstandingProbes::LowestPosition(uint64_t none) const {
  uint64_t lowest = none;
  for (uint64_t pos = head_; pos != tail_; ++pos) {
    const Entry& e = ring_[pos & ring_mask_];
    if (!e.answered && e.i < lowest) lowest = e.i;
  }
  return lowest;
}

OutstandingProbes::Entry* OutstandingProbes::Find(uint64_t j) {
  size_t slot = Home(j);
  while (keys_[slot] != 0) {
    if (keys_[slot] == j + 1) return &ring_[positions_[slot] & ring_mask_];
    slot = (slot + 1) & index_mask_;
  }
  return nullptr;
}

void OutstandingProbes::Pop() {
  const Entry& e = ring_[head_ & ring_mask_];
  // Only forget the index if it still points at this slot (a retry re-pushes the same j later,
  // but never while this entry is in the ring, so in practice it always does).
  size_t slot = Home(e.j);
  while (keys_[slot] != 0 && keys_[slot] != e.j + 1) slot = (slot + 1) & index_mask_;
  if (keys_[slot] == e.j + 1 && positions_[slot] == head_) Erase(e.j);
  head_++;
}

void OutstandingProbes::Erase(uint64_t j) {
  size_t slot = Home(j);
  while (keys_[slot] != j + 1) slot = (slot + 1) & index_mask_;
  // Backward-shift deletion: pull later members of the chain into the hole.
  size_t hole = slot;
  size_t next = (hole + 1) & index_mask_;
  while (keys_[next] != 0) {
    const size_t home = Home(keys_[next] - 1);
    // Move next into hole if its home is not cyclically in (hole, next].
    const bool in_range = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (!in_range) {
      keys_[hole] = keys_[next];
      positions_[hole] = positions_[next];
      hole = next;
    }
    next = (next + 1) & index_mask_;
  }
  keys_[hole] = 0;
}

}  // namespace portscan
