// SPDX-License-Identifier: MIT
// netlink_socket.h: the rtnetlink plumbing netlink_route.cc builds its queries on: a socket that
// closes itself and reads an answer message by message, and the attribute helpers of a request
// and of an answer. Header-only (templates); internal to netlink_route.cc.
#ifndef PORTSCAN_NETLINK_SOCKET_H_
#define PORTSCAN_NETLINK_SOCKET_H_

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace portscan {
namespace netlink {

// A netlink socket that closes itself.
class Netlink {
 public:
  Netlink() {
    fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd_ < 0) return;
    timeval tv{1, 0};  // the kernel answers at once; never hang a scan's start on it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~Netlink() {
    if (fd_ >= 0) close(fd_);
  }
  Netlink(const Netlink&) = delete;
  Netlink& operator=(const Netlink&) = delete;
  bool Ok() const { return fd_ >= 0; }

  bool Send(const void* req, size_t len) { return send(fd_, req, len, 0) == static_cast<ssize_t>(len); }

  // Calls `fn` for each message of the answer until NLMSG_DONE (a dump) or the first message
  // (a single answer); false on a receive error or an NLMSG_ERROR with an error code.
  template <typename Fn>
  bool Receive(bool dump, Fn fn, int* err) {
    std::vector<uint8_t> buf(32768);
    for (;;) {
      const ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        *err = errno;
        return false;
      }
      int left = static_cast<int>(n);  // int, as NLMSG_OK and NLMSG_NEXT expect
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
        if (h->nlmsg_type == NLMSG_DONE) return true;
        if (h->nlmsg_type == NLMSG_ERROR) {
          if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) return false;
          const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
          if (e->error == 0) return true;  // an acknowledgement
          *err = -e->error;
          return false;
        }
        fn(h);
        if (!dump) return true;
      }
    }
  }

 private:
  int fd_ = -1;
};

// Appends an attribute to a request built in `buf` (whose nlmsghdr is at the start).
inline void AddAttr(uint8_t* buf, size_t cap, uint16_t type, const void* data, size_t len) {
  auto* h = reinterpret_cast<nlmsghdr*>(buf);
  const size_t at = NLMSG_ALIGN(h->nlmsg_len);
  if (at + RTA_SPACE(len) > cap) return;
  auto* rta = reinterpret_cast<rtattr*>(buf + at);
  rta->rta_type = type;
  rta->rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
  std::memcpy(RTA_DATA(rta), data, len);
  h->nlmsg_len = static_cast<uint32_t>(at + RTA_SPACE(len));
}

// Calls `fn(type, data, len)` for each attribute after a fixed header of `fixed` bytes.
template <typename Fn>
void ForEachAttr(const nlmsghdr* h, size_t fixed, Fn fn) {
  if (h->nlmsg_len < NLMSG_LENGTH(fixed)) return;
  int left = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(fixed));
  for (auto* rta = reinterpret_cast<const rtattr*>(static_cast<const uint8_t*>(NLMSG_DATA(h)) + NLMSG_ALIGN(fixed));
       RTA_OK(rta, left); rta = RTA_NEXT(rta, left)) {
    fn(rta->rta_type, static_cast<const uint8_t*>(RTA_DATA(rta)), RTA_PAYLOAD(rta));
  }
}

// Asks for a dump of `type` (RTM_GETROUTE, RTM_GETNEIGH) with `header` (rtmsg, ndmsg) as its
// fixed part.
template <typename Header>
bool SendDump(Netlink* nl, uint16_t type, const Header& header, int* err) {
  alignas(nlmsghdr) uint8_t req[NLMSG_SPACE(sizeof(Header))] = {};
  auto* h = reinterpret_cast<nlmsghdr*>(req);
  h->nlmsg_len = NLMSG_LENGTH(sizeof(Header));
  h->nlmsg_type = type;
  h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  std::memcpy(NLMSG_DATA(h), &header, sizeof(Header));
  if (nl->Send(req, h->nlmsg_len)) return true;
  *err = errno;
  return false;
}

}  // namespace netlink
}  // namespace portscan

#endif  // PORTSCAN_NETLINK_SOCKET_H_
