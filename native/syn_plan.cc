// SPDX-License-Identifier: MIT
// syn_plan.cc: plan index <-> (address, port) (see syn_plan.h).
#include "syn_plan.h"

#include <algorithm>
#include <cstring>

namespace portscan {
namespace {
constexpr unsigned __int128 kV4Base = static_cast<unsigned __int128>(0xffff00000000ull);
}

SynPlan::u128 SynPlan::Key(uint8_t family, const uint8_t* addr_n) {
  u128 v = 0;
  const int len = family == kFamilyV6 ? 16 : 4;
  for (int k = 0; k < len; ++k) v = (v << 8) | addr_n[k];
  return family == kFamilyV6 ? v : kV4Base + v;
}

void SynPlan::FromKey(u128 key, uint8_t family, uint8_t* addr_n) {
  if (family == kFamilyV6) {
    for (int k = 15; k >= 0; --k) {
      addr_n[k] = static_cast<uint8_t>(key & 0xff);
      key >>= 8;
    }
    return;
  }
  const u128 v4 = key - kV4Base;
  for (int k = 3; k >= 0; --k) addr_n[k] = static_cast<uint8_t>((v4 >> (8 * (3 - k))) & 0xff);
}

bool SynPlan::Init(const PlanInterval* intervals, size_t n_intervals, const uint16_t* ports, size_t n_ports,
                   const char** error) {
  if (n_intervals == 0 || n_ports == 0) {
    *error = "the plan has no addresses or no ports";
    return false;
  }
  ranges_.clear();
  uint64_t before = 0;
  u128 last_end = 0;
  for (size_t k = 0; k < n_intervals; ++k) {
    const PlanInterval& iv = intervals[k];
    if (iv.count == 0 || (iv.family != kFamilyV4 && iv.family != kFamilyV6)) {
      *error = "a plan interval is empty or has an unknown family";
      return false;
    }
    const u128 start = Key(iv.family, iv.start_n);
    if (k > 0 && start <= last_end) {
      *error = "plan intervals must be sorted and disjoint";
      return false;
    }
    if (before + iv.count < before) {
      *error = "the plan has more than 2^64 addresses";
      return false;
    }
    ranges_.push_back({start, iv.count, before, iv.family});
    before += iv.count;
    last_end = start + iv.count - 1;
  }
  hosts_ = before;
  const unsigned __int128 total = static_cast<unsigned __int128>(hosts_) * n_ports;
  if (total >> 63) {
    *error = "the plan has more than 2^63 probes";
    return false;
  }
  total_ = static_cast<uint64_t>(total);
  ports_.assign(ports, ports + n_ports);
  port_index_.assign(65536, -1);
  for (size_t k = 0; k < n_ports; ++k) port_index_[ports[k]] = static_cast<int32_t>(k);
  return true;
}

void SynPlan::At(uint64_t j, uint8_t* addr_n, uint8_t* family, uint16_t* port_h) const {
  const uint64_t host = j / ports_.size();
  *port_h = ports_[j % ports_.size()];
  // The last range whose `before` is <= host.
  auto it =
      std::upper_bound(ranges_.begin(), ranges_.end(), host, [](uint64_t h, const Range& r) { return h < r.before; });
  const Range& r = *(it - 1);
  *family = r.family;
  FromKey(r.start_key + (host - r.before), r.family, addr_n);
}

bool SynPlan::IndexOf(uint8_t family, const uint8_t* addr_n, uint16_t port_h, uint64_t* j) const {
  const int32_t p = port_index_.empty() ? -1 : port_index_[port_h];
  if (p < 0) return false;
  const u128 key = Key(family, addr_n);
  auto it =
      std::upper_bound(ranges_.begin(), ranges_.end(), key, [](u128 k, const Range& r) { return k < r.start_key; });
  if (it == ranges_.begin()) return false;
  const Range& r = *(it - 1);
  if (r.family != family || key - r.start_key >= r.count) return false;
  const uint64_t host = r.before + static_cast<uint64_t>(key - r.start_key);
  *j = host * ports_.size() + static_cast<uint64_t>(p);
  return true;
}

bool SynPlan::HasFamily(uint8_t family) const {
  return std::any_of(ranges_.begin(), ranges_.end(), [family](const Range& r) { return r.family == family; });
}

}  // namespace portscan
