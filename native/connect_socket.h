// SPDX-License-Identifier: MIT
// connect_socket.h: what the connect loop (connect_loop.cc) does to one probe's socket: its
// address from a target record, what an errno means (a result kind, or a local shortage to retry
// later), closing it without leaving TIME_WAIT, and how many SYNs the kernel sent for it. No
// Node-API, no state.
#pragma once

#include <sys/socket.h>

#include <cstdint>

#include "record.h"

namespace portscan {

/// Fills `ss` with the target's address and port; returns its length.
socklen_t FillSockaddr(const TargetRecord& t, sockaddr_storage* ss);
/// Out of descriptors or kernel memory: not the target's fault, so the probe is retried later.
bool IsLocalShortage(int err);
/// The result kind of a connect() that ended with `err` (0: connected).
ResultKind KindFor(int err);
/// Closes `fd`; a connected one with SO_LINGER {1, 0} (RST, no TIME_WAIT).
void CloseAbortive(int fd, ResultKind kind);
/// How many times the kernel sent this socket's SYN again (TCP_INFO).
uint32_t SynRetransmits(int fd);

}  // namespace portscan
