// SPDX-License-Identifier: MIT
// netlink_route.h: the next hop toward an address, read from the kernel's routing and neighbour
// tables over rtnetlink (RTM_GETROUTE, RTM_GETNEIGH), and an interface's link type and MAC. This
// is what sending at the link layer (AF_PACKET) needs: the interface, the gateway, and the
// gateway's MAC. It only reads tables: it sends nothing on any network. Every attribute of the
// kernel's answers is bounds-checked before it is read. No Node-API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "syn_plan.h"

namespace portscan {

struct NextHop {
  int ifindex = 0;
  bool has_gateway = false;
  uint8_t gateway_n[16] = {};  // network order; IPv4 uses the first 4 bytes
  bool has_mac = false;        // the neighbour table knows the gateway's MAC
  uint8_t gateway_mac[6] = {};
  std::string device;          // the interface's name
  uint16_t link_type = 0;      // ARPHRD_* (1: Ethernet)
  uint8_t device_mac[6] = {};  // the interface's own MAC (Ethernet)
  uint8_t prefix_len = 0;      // the matched route's prefix length (0: the default route)
  bool covers_plan = false;    // every given interval of the family lies in that prefix
  uint32_t overlapping = 0;    // other routes, of any table, that overlap a given interval
                               // and are more specific than the matched one (or local, unreachable, ...)
};

/// Looks up the route to `dst_n` (4 or 16 bytes by `family`, kFamilyV4/kFamilyV6), and when it
/// goes through a gateway, the gateway's MAC in the neighbour table (a usable entry: reachable,
/// stale, delayed, probing, permanent). Returns false with a message when there is no route.
/// `src_n` (or nullptr) is the source address to route from (policy routing by source). When
/// `intervals` are given, also says whether the matched route covers those of `family`
/// (covers_plan) and how many other routes overlap them (overlapping), from a dump of every
/// routing table: what sending every target to one next hop needs to be right.
bool LookupNextHop(uint8_t family, const uint8_t* dst_n, const uint8_t* src_n, const PlanInterval* intervals,
                   size_t n_intervals, NextHop* out, std::string* error);

}  // namespace portscan
