// SPDX-License-Identifier: MIT
// tx_rawsock.cc: sending with sendmmsg on a raw IP or an AF_PACKET socket (see tx_rawsock.h). sendmmsg may send fewer
// messages than asked (man 2 sendmmsg: "returns the number of messages sent"); the rest are sent again.
#include "tx_rawsock.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "record.h"

namespace portscan {

RawSender::~RawSender() { Close(); }

bool RawSender::Open(uint8_t family, int* err) {
  const int domain = family == kFamilyV6 ? AF_INET6 : AF_INET;
  fd_ = socket(domain, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd_ < 0) {
    *err = errno;
    return false;
  }
  addr_len_ = family == kFamilyV6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  // A large send buffer absorbs bursts at high rates without ENOBUFS.
  const int sndbuf = 4 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  return true;
}

bool RawSender::OpenLink(uint8_t family, int ifindex, const uint8_t dst_mac[6], int* err) {
  fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *err = errno;
    return false;
  }
  link_ = true;
  auto* ll = reinterpret_cast<sockaddr_ll*>(&link_addr_);
  ll->sll_family = AF_PACKET;
  ll->sll_protocol = htons(family == kFamilyV6 ? ETH_P_IPV6 : ETH_P_IP);
  ll->sll_ifindex = ifindex;
  ll->sll_halen = 6;
  std::memcpy(ll->sll_addr, dst_mac, 6);
  addr_len_ = sizeof(sockaddr_ll);
  const int sndbuf = 4 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  return true;
}

int RawSender::SendBatch(const uint8_t* packets, size_t stride, const uint16_t* sizes, const sockaddr_storage* dsts,
                         int n, int* err) {
  iovec iov[kMaxBatch];
  mmsghdr msgs[kMaxBatch];
  if (n > kMaxBatch) n = kMaxBatch;
  std::memset(msgs, 0, sizeof(mmsghdr) * static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) {
    iov[k].iov_base = const_cast<uint8_t*>(packets + static_cast<size_t>(k) * stride);
    iov[k].iov_len = sizes[k];
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
    msgs[k].msg_hdr.msg_name = link_ ? &link_addr_ : const_cast<sockaddr_storage*>(&dsts[k]);
    msgs[k].msg_hdr.msg_namelen = addr_len_;
  }
  int sent = 0;
  int stalls = 0;
  int unroutable = 0;
  while (sent < n) {
    const int rc = sendmmsg(fd_, msgs + sent, static_cast<unsigned>(n - sent), 0);
    if (rc > 0) {
      sent += rc;
      continue;
    }
    const int e = errno;
    if ((e == ENOBUFS || e == EAGAIN || e == EINTR) && stalls++ < 1000) {
      sched_yield();  // the qdisc or socket buffer is full: let the kernel drain it
      continue;
    }
    if (link_ && (e == ENETDOWN || e == ENXIO || e == ENODEV)) {
      *err = ENETDOWN;  // one interface for every frame: it is down or gone
      break;
    }
    if (link_) {
      *err = e;  // every frame has the same destination: what fails one fails all (EPERM, EINVAL...)
      break;
    }
    if (e == EHOSTUNREACH || e == ENETUNREACH || e == ENETDOWN || e == EINVAL || e == EACCES || e == EPERM) {
      // One undeliverable destination must not stop the batch: skip it (it stays silent).
      if (e == ENETUNREACH || e == ENETDOWN) unroutable++;
      sent++;
      continue;
    }
    *err = e;
    break;
  }
  // A whole batch with no route is not a few bad targets: the interface or route went away.
  if (n > 1 && unroutable == n) *err = ENETDOWN;
  return sent;
}

void RawSender::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  link_ = false;
}

}  // namespace portscan
