// SPDX-License-Identifier: MIT
// tx_rawsock.h: sending prebuilt packets in batches with sendmmsg, on one of two paths:
//  - IP: a raw IP socket (IPPROTO_RAW, which implies IP_HDRINCL / IPv6 header-included). The
//    kernel routes each packet and resolves the next hop's MAC, so this path works on any
//    interface, loopback included, with no link-layer knowledge.
//  - link: an AF_PACKET socket that sends whole Ethernet frames out of one interface, addressed
//    to the gateway's MAC, skipping the kernel's IP output path (routing, netfilter, neighbour
//    lookup) for every packet. It receives nothing (protocol 0: no receive hook).
// It sends what it is given and nothing else: building probes is pkt_template.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

namespace portscan {

class RawSender {
 public:
  /// Most packets handed to the kernel in one sendmmsg call (§8.1: batch 64 is past the knee).
  static constexpr int kMaxBatch = 64;

  RawSender() = default;
  ~RawSender();
  RawSender(const RawSender&) = delete;
  RawSender& operator=(const RawSender&) = delete;

  /// Opens the socket for `family` (kFamilyV4 or kFamilyV6). On failure returns false with errno
  /// in `err` (EPERM without CAP_NET_RAW).
  bool Open(uint8_t family, int* err);
  /// Opens the link path: frames out of interface `ifindex`, to `dst_mac`, carrying `family`.
  bool OpenLink(uint8_t family, int ifindex, const uint8_t dst_mac[6], int* err);
  bool IsLink() const { return link_; }
  /// Sends `n` (<= kMaxBatch) packets: packet k is `sizes[k]` bytes at `packets + k * stride`,
  /// to `dsts[k]` (the link path ignores `dsts`: every frame carries its own MAC). Retries briefly when the kernel
  /// queue is full (ENOBUFS, EAGAIN). Returns the number sent; fewer than `n` only on a hard error, left in `err`. A
  /// destination without a route is skipped, but a whole batch without one sets `err` to ENETDOWN (the interface or the
  /// route went away).
  int SendBatch(const uint8_t* packets, size_t stride, const uint16_t* sizes, const sockaddr_storage* dsts, int n,
                int* err);
  void Close();

 private:
  int fd_ = -1;
  socklen_t addr_len_ = 0;
  bool link_ = false;
  sockaddr_storage link_addr_{};  // sockaddr_ll of the link path
};

}  // namespace portscan
