// SPDX-License-Identifier: MIT
// syn_table.h: the probes of Stealth mode that are still waiting for an answer, and nothing
// else: a FIFO ring in send order (every probe of one table has the same timeout, so the oldest
// expires first) and an open-addressing index from plan index to ring slot, to match a reply to
// its probe, measure its round trip and count it once. The ring starts small and doubles when it
// fills, so its size follows the probes really in flight (the rate times the wait), never the
// size of the scan; the caller bounds it (see SynTx). 32 bytes an entry plus 16 of index.
// Owned by one transmit thread. No Node-API: tested under ASan in portscan_pkt_test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace portscan {

class OutstandingProbes {
 public:
  struct Entry {
    uint64_t j;               // plan index
    uint64_t i;               // position in the permuted order (for the checkpoint's low-water mark)
    uint64_t sent_us;         // monotonic send time
    uint8_t attempt;          // 0 for the first try
    uint8_t answered;         // a reply was counted
    uint8_t family;           // kFamilyV4 or kFamilyV6 (each has its own send path, see SynTx's sentinels)
    uint8_t retries_allowed;  // the tries after the first this probe gets (see --retries auto)
  };

  /// Room for `initial` probes at first (rounded up to a power of two, at least 16); grows.
  explicit OutstandingProbes(uint64_t initial);

  bool Empty() const { return tail_ == head_; }
  uint64_t Size() const { return tail_ - head_; }
  /// Entries the ring holds before it must grow (a power of two).
  uint64_t Capacity() const { return ring_.size(); }
  /// Push order: the oldest probe's number, and the number the next Push gets.
  uint64_t HeadNumber() const { return head_; }
  uint64_t TailNumber() const { return tail_; }

  /// Records a probe just sent (`answered` is cleared), growing the ring when it is full.
  void Push(const Entry& e);
  /// The lowest position among the unanswered probes in flight, or `none`. O(size).
  uint64_t LowestPosition(uint64_t none) const;
  /// The oldest probe in flight. Must not be Empty().
  const Entry& Front() const { return ring_[head_ & ring_mask_]; }
  /// Forgets the oldest probe.
  void Pop();
  /// The probe in flight for plan index j (the newest, should j be in twice), or nullptr.
  Entry* Find(uint64_t j);

 private:
  // An index entry: the ring slot of a probe and the low 32 bits of its plan index, which are
  // hashed and compared while probing, so walking a chain never touches the ring.
  struct Link {
    uint32_t slot;
    uint32_t j_lo;
  };
  static constexpr uint32_t kNoSlot = 0xffffffffu;
  size_t Home(uint32_t j_lo) const;
  void Index(uint64_t pos);
  void Erase(size_t index_slot);
  void Grow();

  std::vector<Entry> ring_;
  uint64_t ring_mask_;
  uint64_t head_ = 0;
  uint64_t tail_ = 0;
  // Twice the ring's size (load <= 1/2), linear probing, backward-shift delete; slot kNoSlot:
  // empty. A 32-bit match is confirmed against the ring entry's whole j.
  std::vector<Link> index_;
  uint64_t index_mask_;
};

}  // namespace portscan
