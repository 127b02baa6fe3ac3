// SPDX-License-Identifier: MIT
// syn_table.cc: ring + index of probes in flight (see syn_table.h).
#include "syn_table.h"

namespace portscan {
namespace {
uint64_t RoundUpPow2(uint64_t v) {
  uint64_t p = 16;
  while (p < v) p <<= 1;
  return p;
}
}  // namespace

OutstandingProbes::OutstandingProbes(uint64_t initial) {
  const uint64_t ring = RoundUpPow2(initial);
  ring_.resize(ring);
  ring_mask_ = ring - 1;
  index_.assign(ring * 2, Link{kNoSlot, 0});
  index_mask_ = ring * 2 - 1;
}

size_t OutstandingProbes::Home(uint32_t j_lo) const {
  uint64_t h = (uint64_t{j_lo} + 1) * 0x9e3779b97f4a7c15ull;  // Fibonacci hashing spreads sequential indices
  return static_cast<size_t>((h ^ (h >> 29)) & index_mask_);
}

// Points the index at the entry with push number `pos` (replacing an older entry of the same j).
void OutstandingProbes::Index(uint64_t pos) {
  const uint32_t ring_slot = static_cast<uint32_t>(pos & ring_mask_);
  const uint64_t j = ring_[ring_slot].j;
  const uint32_t j_lo = static_cast<uint32_t>(j);
  size_t slot = Home(j_lo);
  while (index_[slot].slot != kNoSlot && (index_[slot].j_lo != j_lo || ring_[index_[slot].slot].j != j)) {
    slot = (slot + 1) & index_mask_;
  }
  index_[slot] = Link{ring_slot, j_lo};
}

void OutstandingProbes::Push(const Entry& e) {
  if (Size() == ring_.size()) Grow();
  const uint64_t pos = tail_++;
  Entry& slot = ring_[pos & ring_mask_];
  slot = e;
  slot.answered = 0;
  Index(pos);
}

// Doubles the ring and the index. Push numbers stay as they were (the sentinels count in them):
// each entry moves to its number's slot in the larger ring.
void OutstandingProbes::Grow() {
  std::vector<Entry> old;
  old.swap(ring_);
  const uint64_t old_mask = ring_mask_;
  const uint64_t ring = old.size() * 2;
  ring_.resize(ring);
  ring_mask_ = ring - 1;
  index_.assign(ring * 2, Link{kNoSlot, 0});
  index_mask_ = ring * 2 - 1;
  for (uint64_t pos = head_; pos != tail_; ++pos) {
    ring_[pos & ring_mask_] = old[pos & old_mask];
    Index(pos);  // in push order, so the newest entry of a j ends up indexed, as before
  }
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
  const uint32_t j_lo = static_cast<uint32_t>(j);
  for (size_t slot = Home(j_lo); index_[slot].slot != kNoSlot; slot = (slot + 1) & index_mask_) {
    if (index_[slot].j_lo != j_lo) continue;
    Entry& e = ring_[index_[slot].slot];
    if (e.j == j) return &e;
  }
  return nullptr;
}

void OutstandingProbes::Pop() {
  const uint32_t ring_slot = static_cast<uint32_t>(head_ & ring_mask_);
  const uint32_t j_lo = static_cast<uint32_t>(ring_[ring_slot].j);
  // Forget the index only if it points at this entry: a newer entry of the same j keeps it (and
  // no other entry can point at this ring slot).
  for (size_t slot = Home(j_lo); index_[slot].slot != kNoSlot; slot = (slot + 1) & index_mask_) {
    if (index_[slot].slot == ring_slot) {
      Erase(slot);
      break;
    }
  }
  head_++;
}

void OutstandingProbes::Erase(size_t hole) {
  // Backward-shift deletion: pull later members of the chain into the hole.
  size_t next = (hole + 1) & index_mask_;
  while (index_[next].slot != kNoSlot) {
    const size_t home = Home(index_[next].j_lo);
    // Move next into hole if its home is not cyclically in (hole, next].
    const bool in_range = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (!in_range) {
      index_[hole] = index_[next];
      hole = next;
    }
    next = (next + 1) & index_mask_;
  }
  index_[hole].slot = kNoSlot;
}

}  // namespace portscan
