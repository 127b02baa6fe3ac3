// SPDX-License-Identifier: MIT
// syn_table.h: the probes of Stealth mode that are still waiting for an answer, and nothing
// else: a FIFO ring in send order (every probe has the same timeout, so the oldest expires
// first) and an open-addressing index from plan index to ring slot, to match a reply to its
// probe, measure its round trip and count it once. Its size is bounded by the rate times the
// timeout, never by the size of the scan. Owned by the transmit thread only. No Node-API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace portscan {

class OutstandingProbes {
 public:
  struct Entry {
    uint64_t j;        // plan index
    uint64_t i;        // position in the permuted order (for the checkpoint's low-water mark)
    uint64_t sent_us;  // monotonic send time
    uint8_t attempt;   // 0 for the first try
    uint8_t answered;  // a reply was counted
    uint8_t family;    // kFamilyV4 or kFamilyV6 (each has its own send path, see SynTx's sentinels)
  };

  /// Room for `capacity` probes in flight (rounded up to a power of two).
  explicit OutstandingProbes(uint64_t capacity);

  bool Full() const { return tail_ - head_ >= ring_.size(); }
  bool Empty() const { return tail_ == head_; }
  uint64_t Size() const { return tail_ - head_; }
  /// Push order: the oldest probe's number, and the number the next Push gets.
  uint64_t HeadNumber() const { return head_; }
  uint64_t TailNumber() const { return tail_; }

  /// Records a probe just sent. Must not be Full().
  void Push(uint64_t j, uint64_t i, uint64_t sent_us, uint8_t attempt, uint8_t family);
  /// The lowest position among the probes in flight, or `none` when there are none. O(size).
  uint64_t LowestPosition(uint64_t none) const;
  /// The oldest probe in flight. Must not be Empty().
  const Entry& Front() const { return ring_[head_ & ring_mask_]; }
  /// Forgets the oldest probe.
  void Pop();
  /// The probe in flight for plan index j, or nullptr.
  Entry* Find(uint64_t j);

 private:
  size_t Home(uint64_t j) const;
  void Erase(uint64_t j);

  std::vector<Entry> ring_;
  uint64_t ring_mask_;
  uint64_t head_ = 0;
  uint64_t tail_ = 0;
  // Index: key j + 1 (0 = empty slot), value ring position. Linear probing, backward-shift delete.
  std::vector<uint64_t> keys_;
  std::vector<uint64_t> positions_;
  uint64_t index_mask_;
};

}  // namespace portscan
