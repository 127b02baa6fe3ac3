// SPDX-License-Identifier: MIT
// syn_plan.h: the scan plan as Stealth mode's native threads see it: address intervals times a
// port list, indexed j in [0, hosts * ports). Maps j to (address, port) for sending and a reply's
// (address, port) back to j for matching, both in O(log intervals), with memory per interval and
// a 64K port table, never per probe. TypeScript builds the intervals (packIntervals in
// lib/scanner/syn.ts) in the order of its address number line: IPv4 a.b.c.d is ::ffff:a.b.c.d,
// so one sorted list holds both families. No Node-API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "record.h"

namespace portscan {

/// One packed interval as it crosses from TypeScript. 32 bytes, little-endian count. Mirrored by
/// INTERVAL in lib/native/records.ts; the addon exports its offsets (LAYOUT) for the loader to check.
struct PlanInterval {
  uint8_t start_n[16];  // first address, network order (IPv4 in the first 4 bytes)
  uint8_t family;       // kFamilyV4 or kFamilyV6
  uint8_t reserved[7];
  uint64_t count;  // addresses in the interval, >= 1
};
static_assert(sizeof(PlanInterval) == 32, "PlanInterval size changed: update INTERVAL in lib/native/records.ts");
static_assert(offsetof(PlanInterval, start_n) == 0, "INTERVAL.start_n in lib/native/records.ts");
static_assert(offsetof(PlanInterval, family) == 16, "INTERVAL.family in lib/native/records.ts");
static_assert(offsetof(PlanInterval, reserved) == 17, "INTERVAL.reserved in lib/native/records.ts");
static_assert(offsetof(PlanInterval, count) == 24, "INTERVAL.count in lib/native/records.ts");

class SynPlan {
 public:
  /// Copies the intervals (sorted, disjoint) and ports. Returns false if they are not usable
  /// (empty, unsorted, or a host count that overflows), with a reason in `error`.
  bool Init(const PlanInterval* intervals, size_t n_intervals, const uint16_t* ports, size_t n_ports,
            const char** error);
  uint64_t Size() const { return total_; }
  uint64_t Hosts() const { return hosts_; }

  /// The probe at plan index j (< Size()): address bytes (4 or 16, network order) and family.
  void At(uint64_t j, uint8_t* addr_n, uint8_t* family, uint16_t* port_h) const;
  /// The plan index of (address, port), or false when it is not in the plan.
  bool IndexOf(uint8_t family, const uint8_t* addr_n, uint16_t port_h, uint64_t* j) const;
  /// Does the plan hold any address of `family`?
  bool HasFamily(uint8_t family) const;

 private:
  using u128 = unsigned __int128;
  static u128 Key(uint8_t family, const uint8_t* addr_n);
  static void FromKey(u128 key, uint8_t family, uint8_t* addr_n);

  struct Range {
    u128 start_key;  // on the common number line
    uint64_t count;
    uint64_t before;  // hosts in earlier ranges
    uint8_t family;
  };
  std::vector<Range> ranges_;
  std::vector<uint16_t> ports_;
  std::vector<int32_t> port_index_;  // 65536 entries, -1 where the port is not in the plan
  uint64_t hosts_ = 0;
  uint64_t total_ = 0;
};

}  // namespace portscan
