// SPDX-License-Identifier: MIT
// record.h: the packed records that cross the Node-API boundary, in bulk, in both directions.
// TargetRecord goes in (one per probe to make); ResultRecord comes out (one per finished probe).
// The same layouts are written down in lib/native/records.ts (TARGET, RESULT). The offsets are
// asserted here, the addon exports them (LAYOUT, from offsetof, in addon.cc) and the loader
// (lib/native/binding.ts) compares every one at load: change both files together, bump kAbiVersion.
// All multi-byte integers are in host order (little-endian: asserted below), except the address
// bytes, which are in network order exactly as they go into a sockaddr.
#pragma once

#include <cstddef>
#include <cstdint>

namespace portscan {

constexpr uint32_t kAbiVersion = 3;

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "records are little-endian; lib/native/records.ts assumes so");

/// Address family tags used in records (not AF_* values, which differ between platforms).
enum : uint8_t { kFamilyV4 = 4, kFamilyV6 = 6 };

/// One probe to make. 24 bytes.
struct TargetRecord {
  uint8_t addr_n[16];   // IPv4 in the first 4 bytes, IPv6 in all 16; network order
  uint16_t port_h;      // destination port, host order
  uint8_t family;       // kFamilyV4 or kFamilyV6
  uint8_t attempt;      // 0 for the first try; echoed in the result
  uint32_t timeout_ms;  // this probe's deadline after connect(); chosen by TypeScript
};
static_assert(sizeof(TargetRecord) == 24, "TargetRecord size changed: update TARGET in lib/native/records.ts");
static_assert(offsetof(TargetRecord, addr_n) == 0, "TARGET.addr_n in lib/native/records.ts");
static_assert(offsetof(TargetRecord, port_h) == 16, "TARGET.port_h in lib/native/records.ts");
static_assert(offsetof(TargetRecord, family) == 18, "TARGET.family in lib/native/records.ts");
static_assert(offsetof(TargetRecord, attempt) == 19, "TARGET.attempt in lib/native/records.ts");
static_assert(offsetof(TargetRecord, timeout_ms) == 20, "TARGET.timeout_ms in lib/native/records.ts");

/// What happened to one probe at the socket level; TypeScript turns it into state + reason.
enum ResultKind : uint8_t {
  kConnected = 1,  // the handshake completed (SYN-ACK seen)
  kRefused = 2,    // ECONNREFUSED: the target answered RST
  kTimeout = 3,    // our own deadline passed with no answer
  kError = 4,      // another errno (ICMP unreachable and the like); see err
  kIcmp = 5,       // SYN mode: an ICMP(v6) destination unreachable; err = type << 8 | code
};

/// One finished probe. 32 bytes.
struct ResultRecord {
  uint8_t addr_n[16];  // as in the TargetRecord
  uint16_t port_h;
  uint8_t family;
  uint8_t kind;             // ResultKind
  int32_t err;              // errno for kRefused / kError, else 0
  uint32_t rtt_us;          // connect() to completion, microseconds (timeout: the time waited)
  uint8_t attempt;          // the last try: connect mode, the TargetRecord's plus the kernel's SYN
                            // retransmissions; SYN mode, the try that was answered
  uint8_t tcp_flags;        // SYN mode: the reply's TCP flags; 0 otherwise
  uint8_t ttl;              // SYN mode: the reply's TTL or hop limit; 0 otherwise
  uint8_t retries_allowed;  // SYN mode: the tries after the first the probe was given; 0 otherwise
};
static_assert(sizeof(ResultRecord) == 32, "ResultRecord size changed: update RESULT in lib/native/records.ts");
static_assert(offsetof(ResultRecord, addr_n) == 0, "RESULT.addr_n in lib/native/records.ts");
static_assert(offsetof(ResultRecord, port_h) == 16, "RESULT.port_h in lib/native/records.ts");
static_assert(offsetof(ResultRecord, family) == 18, "RESULT.family in lib/native/records.ts");
static_assert(offsetof(ResultRecord, kind) == 19, "RESULT.kind in lib/native/records.ts");
static_assert(offsetof(ResultRecord, err) == 20, "RESULT.err in lib/native/records.ts");
static_assert(offsetof(ResultRecord, rtt_us) == 24, "RESULT.rtt_us in lib/native/records.ts");
static_assert(offsetof(ResultRecord, attempt) == 28, "RESULT.attempt in lib/native/records.ts");
static_assert(offsetof(ResultRecord, tcp_flags) == 29, "RESULT.tcp_flags in lib/native/records.ts");
static_assert(offsetof(ResultRecord, ttl) == 30, "RESULT.ttl in lib/native/records.ts");
static_assert(offsetof(ResultRecord, retries_allowed) == 31, "RESULT.retries_allowed in lib/native/records.ts");
// TypeScript re-queues a probe by copying a result's address, port and family straight into a
// target (RetryQueue in records.ts): those fields open both records alike.
static_assert(offsetof(ResultRecord, kind) == offsetof(TargetRecord, attempt),
              "the address, port and family must open TargetRecord and ResultRecord alike");

}  // namespace portscan
