// SPDX-License-Identifier: MIT
// netlink_route.cc: rtnetlink queries for the next hop (see netlink_route.h).
#include "netlink_route.h"

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "netlink_socket.h"
#include "record.h"

namespace portscan {
namespace {

using netlink::AddAttr;
using netlink::ForEachAttr;
using netlink::Netlink;
using netlink::SendDump;

bool RouteTo(Netlink* nl, uint8_t family, const uint8_t* dst_n, const uint8_t* src_n, NextHop* out, int* err) {
  const size_t alen = family == kFamilyV6 ? 16 : 4;
  alignas(nlmsghdr) uint8_t req[256] = {};
  auto* h = reinterpret_cast<nlmsghdr*>(req);
  h->nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  h->nlmsg_type = RTM_GETROUTE;
  h->nlmsg_flags = NLM_F_REQUEST;
  auto* rt = static_cast<rtmsg*>(NLMSG_DATA(h));
  rt->rtm_family = family == kFamilyV6 ? AF_INET6 : AF_INET;
  rt->rtm_dst_len = static_cast<uint8_t>(alen * 8);
  AddAttr(req, sizeof(req), RTA_DST, dst_n, alen);
  if (src_n != nullptr) {
    rt->rtm_src_len = static_cast<uint8_t>(alen * 8);
    AddAttr(req, sizeof(req), RTA_SRC, src_n, alen);
  }
  if (!nl->Send(req, h->nlmsg_len)) {
    *err = errno;
    return false;
  }
  bool found = false;
  const bool ok = nl->Receive(
      false,
      [&](const nlmsghdr* m) {
        if (m->nlmsg_type != RTM_NEWROUTE || m->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) return;
        found = true;
        ForEachAttr(m, sizeof(rtmsg), [&](uint16_t type, const uint8_t* data, size_t len) {
          if (type == RTA_OIF && len >= sizeof(int)) std::memcpy(&out->ifindex, data, sizeof(int));
          if (type == RTA_GATEWAY && len == alen) {
            std::memcpy(out->gateway_n, data, alen);
            out->has_gateway = true;
          }
        });
      },
      err);
  return ok && found;
}

bool NeighbourMac(Netlink* nl, uint8_t family, int ifindex, const uint8_t* addr_n, uint8_t mac[6], int* err) {
  const size_t alen = family == kFamilyV6 ? 16 : 4;
  ndmsg nd{};
  nd.ndm_family = family == kFamilyV6 ? AF_INET6 : AF_INET;
  nd.ndm_ifindex = ifindex;
  if (!SendDump(nl, RTM_GETNEIGH, nd, err)) return false;
  constexpr uint16_t kUsable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
  bool found = false;
  const bool ok = nl->Receive(
      true,
      [&](const nlmsghdr* m) {
        if (found || m->nlmsg_type != RTM_NEWNEIGH || m->nlmsg_len < NLMSG_LENGTH(sizeof(ndmsg))) return;
        const auto* n = static_cast<const ndmsg*>(NLMSG_DATA(m));
        if (n->ndm_ifindex != ifindex || (n->ndm_state & kUsable) == 0) return;
        bool match = false;
        bool have_mac = false;
        uint8_t lladdr[6] = {};
        ForEachAttr(m, sizeof(ndmsg), [&](uint16_t type, const uint8_t* data, size_t len) {
          if (type == NDA_DST && len == alen && std::memcmp(data, addr_n, alen) == 0) match = true;
          if (type == NDA_LLADDR && len == 6) {
            std::memcpy(lladdr, data, 6);
            have_mac = true;
          }
        });
        if (match && have_mac) {
          std::memcpy(mac, lladdr, 6);
          found = true;
        }
      },
      err);
  return ok && found;
}

// Addresses as 128-bit numbers (IPv4 in the low 32 bits), for range arithmetic.
using U128 = unsigned __int128;

U128 Load(const uint8_t* n, size_t alen) {
  U128 v = 0;
  for (size_t k = 0; k < alen; ++k) v = v << 8 | n[k];
  return v;
}

struct Range {
  U128 first, last;
};

Range PrefixRange(const uint8_t* dst_n, size_t alen, unsigned prefix_len) {
  const unsigned bits = static_cast<unsigned>(alen * 8);
  const U128 all = bits == 128 ? ~U128{0} : (U128{1} << bits) - 1;
  const U128 host = prefix_len >= bits ? 0 : (prefix_len == 0 ? all : all >> prefix_len);
  const U128 base = Load(dst_n, alen) & ~host & all;
  return {base, base | host};
}

// Is every interval of `family` inside `r`? Does any of them overlap `r`?
bool AllInside(const PlanInterval* iv, size_t n, uint8_t family, size_t alen, Range r) {
  for (size_t k = 0; k < n; ++k) {
    if (iv[k].family != family) continue;
    const U128 first = Load(iv[k].start_n, alen);
    const U128 last = first + iv[k].count - 1;
    if (first < r.first || last > r.last) return false;
  }
  return true;
}
bool AnyOverlaps(const PlanInterval* iv, size_t n, uint8_t family, size_t alen, Range r) {
  for (size_t k = 0; k < n; ++k) {
    if (iv[k].family != family) continue;
    const U128 first = Load(iv[k].start_n, alen);
    const U128 last = first + iv[k].count - 1;
    if (first <= r.last && last >= r.first) return true;
  }
  return false;
}

// From a dump of every routing table: the route the kernel chose for the sample (the longest
// unicast prefix holding it, out of the chosen interface, through the chosen gateway), whether
// it covers every interval, and how many routes overlap the intervals and would take some of
// their addresses elsewhere: more specific ones, and any local, broadcast, unreachable,
// blackhole or prohibit route. On a failed dump, reports one overlap (the safe answer).
void CheckPlanRoutes(Netlink* nl, uint8_t family, const uint8_t* sample_n, const PlanInterval* iv, size_t n,
                     NextHop* out, int* err) {
  const size_t alen = family == kFamilyV6 ? 16 : 4;
  out->overlapping = 1;
  rtmsg request{};
  request.rtm_family = family == kFamilyV6 ? AF_INET6 : AF_INET;
  if (!SendDump(nl, RTM_GETROUTE, request, err)) return;
  struct Seen {
    Range range;
    uint8_t len;
    bool unicast;
  };
  std::vector<Seen> overlapping;
  const U128 sample = Load(sample_n, alen);
  int matched_len = -1;
  Range matched{0, 0};
  const bool ok = nl->Receive(
      true,
      [&](const nlmsghdr* m) {
        if (m->nlmsg_type != RTM_NEWROUTE || m->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) return;
        const auto* rt = static_cast<const rtmsg*>(NLMSG_DATA(m));
        if (rt->rtm_type == RTN_MULTICAST || rt->rtm_type == RTN_ANYCAST || rt->rtm_dst_len > alen * 8) return;
        uint8_t dst[16] = {};
        uint8_t gw[16] = {};
        bool has_gw = false;
        int oif = 0;
        ForEachAttr(m, sizeof(rtmsg), [&](uint16_t type, const uint8_t* data, size_t len) {
          if (type == RTA_DST && len == alen) std::memcpy(dst, data, alen);
          if (type == RTA_OIF && len >= sizeof(int)) std::memcpy(&oif, data, sizeof(int));
          if (type == RTA_GATEWAY && len == alen) {
            std::memcpy(gw, data, alen);
            has_gw = true;
          }
        });
        const Range r = PrefixRange(dst, alen, rt->rtm_dst_len);
        const bool unicast = rt->rtm_type == RTN_UNICAST;
        const bool same_hop = unicast && oif == out->ifindex && has_gw == out->has_gateway &&
                              (!has_gw || std::memcmp(gw, out->gateway_n, alen) == 0);
        if (same_hop && sample >= r.first && sample <= r.last && rt->rtm_dst_len > matched_len) {
          matched_len = rt->rtm_dst_len;
          matched = r;
        }
        if (AnyOverlaps(iv, n, family, alen, r)) overlapping.push_back(Seen{r, rt->rtm_dst_len, unicast});
      },
      err);
  if (!ok || matched_len < 0) return;
  out->prefix_len = static_cast<uint8_t>(matched_len);
  out->covers_plan = AllInside(iv, n, family, alen, matched);
  out->overlapping = 0;
  for (const Seen& o : overlapping) {
    const bool is_matched = o.unicast && o.len == matched_len && o.range.first == matched.first;
    if (!is_matched && (!o.unicast || o.len > matched_len)) out->overlapping++;
  }
}

void DescribeInterface(NextHop* out) {
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(static_cast<unsigned>(out->ifindex), name) == nullptr) return;
  out->device = name;
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name, IF_NAMESIZE);  // if_indextoname wrote at most IF_NAMESIZE bytes, NUL included
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
    out->link_type = ifr.ifr_hwaddr.sa_family;
    std::memcpy(out->device_mac, ifr.ifr_hwaddr.sa_data, 6);
  }
  close(fd);
}

}  // namespace

bool LookupNextHop(uint8_t family, const uint8_t* dst_n, const uint8_t* src_n, const PlanInterval* intervals,
                   size_t n_intervals, NextHop* out, std::string* error) {
  Netlink nl;
  if (!nl.Ok()) {
    *error = std::string("netlink socket: ") + std::strerror(errno);
    return false;
  }
  int err = 0;
  if (!RouteTo(&nl, family, dst_n, src_n, out, &err)) {
    *error = std::string("no route: ") + (err != 0 ? std::strerror(err) : "no answer");
    return false;
  }
  DescribeInterface(out);
  if (out->has_gateway && out->ifindex > 0) {
    out->has_mac = NeighbourMac(&nl, family, out->ifindex, out->gateway_n, out->gateway_mac, &err);
  }
  if (intervals != nullptr && n_intervals > 0) {
    CheckPlanRoutes(&nl, family, dst_n, intervals, n_intervals, out, &err);
  }
  return true;
}

}  // namespace portscan
