// SPDX-License-Identifier: MIT
// connect_socket.cc: what the connect loop does to one probe's socket (see connect_socket.h).
#include "connect_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace portscan {

socklen_t FillSockaddr(const TargetRecord& t, sockaddr_storage* ss) {
  std::memset(ss, 0, sizeof(*ss));
  if (t.family == kFamilyV6) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(t.port_h);
    std::memcpy(&s6->sin6_addr, t.addr_n, 16);
    return sizeof(sockaddr_in6);
  }
  auto* s4 = reinterpret_cast<sockaddr_in*>(ss);
  s4->sin_family = AF_INET;
  s4->sin_port = htons(t.port_h);
  std::memcpy(&s4->sin_addr, t.addr_n, 4);
  return sizeof(sockaddr_in);
}

// Out of descriptors or kernel memory: not the target's fault, so the probe is retried later.
bool IsLocalShortage(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM || err == EADDRNOTAVAIL;
}

ResultKind KindFor(int err) {
  if (err == 0) return kConnected;
  if (err == ECONNREFUSED) return kRefused;
  return kError;
}

// Only a socket that connected needs SO_LINGER {1, 0}: its close() then sends RST and frees it at
// once (no FIN exchange, no TIME_WAIT). A refused or timed-out socket holds no connection, so
// the option would be a wasted syscall on the hot path of closed ports.
void CloseAbortive(int fd, ResultKind kind) {
  if (kind == kConnected) {
    const linger lg{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  }
  close(fd);
}

// How many times the kernel sent this socket's SYN again (TCP_INFO, man 7 tcp). connect() does
// not stop at one SYN: the kernel retransmits it after its initial RTO (1 s) and then every
// second or more, for as long as the socket lives. Each of those is a probe on the wire, so it
// is reported as a try (ResultRecord.attempt) and TypeScript counts it against --retries.
uint32_t SynRetransmits(int fd) {
  tcp_info info{};
  socklen_t len = sizeof(info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return 0;
  return info.tcpi_total_retrans;
}

}  // namespace portscan
