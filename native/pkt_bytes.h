// SPDX-License-Identifier: MIT
// pkt_bytes.h: loads and stores of big-endian (network order) integers at any byte address, for
// the pkt_* packet code. Header-only and allocation-free; frames are byte arrays with no
// alignment guarantee, so every access goes through these instead of a pointer cast.
#pragma once

#include <cstdint>

namespace portscan {

/// Reads the network-order 16-bit integer at `p`; returns it in host order.
inline uint16_t LoadBe16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

/// Reads the network-order 32-bit integer at `p`; returns it in host order.
inline uint32_t LoadBe32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

/// Writes host-order `v_h` at `p` in network order.
inline void StoreBe16(uint8_t* p, uint16_t v_h) {
  p[0] = static_cast<uint8_t>(v_h >> 8);
  p[1] = static_cast<uint8_t>(v_h);
}

/// Writes host-order `v_h` at `p` in network order.
inline void StoreBe32(uint8_t* p, uint32_t v_h) {
  p[0] = static_cast<uint8_t>(v_h >> 24);
  p[1] = static_cast<uint8_t>(v_h >> 16);
  p[2] = static_cast<uint8_t>(v_h >> 8);
  p[3] = static_cast<uint8_t>(v_h);
}

}  // namespace portscan
