// SPDX-License-Identifier: MIT
// pkt_checksum.cc: Internet checksum arithmetic (see pkt_checksum.h). Sums accumulate 16-bit
// words in a 64-bit register and fold the carries back in at the end ("end-around carry",
// RFC 1071 section 2); a 64-bit accumulator cannot overflow below 2^48 words.
#include "pkt_checksum.h"

#include <cassert>

#include "pkt_bytes.h"

namespace portscan {
namespace {

uint32_t Fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint32_t>(sum);
}

}  // namespace

uint32_t ChecksumAdd(const uint8_t* data, size_t len, uint32_t sum) {
  uint64_t acc = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2) acc += LoadBe16(data + i);
  if (i < len) acc += static_cast<uint32_t>(data[i]) << 8;  // odd byte: pad with zero
  return Fold(acc);
}

uint16_t ChecksumFinish(uint32_t sum) { return static_cast<uint16_t>(~Fold(sum)); }

uint16_t InternetChecksum(const uint8_t* data, size_t len) { return ChecksumFinish(ChecksumAdd(data, len, 0)); }

uint32_t PseudoHeaderSumV4(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, uint8_t protocol, uint16_t length_h) {
  uint32_t sum = ChecksumAdd(src_addr_n, 4, 0);
  sum = ChecksumAdd(dst_addr_n, 4, sum);
  return Fold(static_cast<uint64_t>(sum) + protocol + length_h);
}

uint32_t PseudoHeaderSumV6(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, uint8_t next_header,
                           uint32_t length_h) {
  uint32_t sum = ChecksumAdd(src_addr_n, 16, 0);
  sum = ChecksumAdd(dst_addr_n, 16, sum);
  return Fold(static_cast<uint64_t>(sum) + (length_h >> 16) + (length_h & 0xffff) + next_header);
}

uint16_t TransportChecksumV4(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, uint8_t protocol,
                             const uint8_t* segment, size_t len) {
  assert(len <= 0xffff);
  const uint32_t pseudo = PseudoHeaderSumV4(src_addr_n, dst_addr_n, protocol, static_cast<uint16_t>(len));
  return ChecksumFinish(ChecksumAdd(segment, len, pseudo));
}

uint16_t TransportChecksumV6(const uint8_t* src_addr_n, const uint8_t* dst_addr_n, uint8_t next_header,
                             const uint8_t* segment, size_t len) {
  assert(len <= 0xffffffffu);
  const uint32_t pseudo = PseudoHeaderSumV6(src_addr_n, dst_addr_n, next_header, static_cast<uint32_t>(len));
  return ChecksumFinish(ChecksumAdd(segment, len, pseudo));
}

uint16_t ChecksumUpdate16(uint16_t checksum_h, uint16_t old_h, uint16_t new_h) {
  // RFC 1624 eqn 3 with one's-complement (end-around carry) addition.
  const uint64_t sum =
      static_cast<uint16_t>(~checksum_h) + static_cast<uint16_t>(~old_h) + static_cast<uint64_t>(new_h);
  return ChecksumFinish(Fold(sum));
}

uint16_t ChecksumUpdate32(uint16_t checksum_h, uint32_t old_h, uint32_t new_h) {
  const uint64_t sum = static_cast<uint16_t>(~checksum_h) + static_cast<uint16_t>(~(old_h >> 16)) +
                       static_cast<uint16_t>(~(old_h & 0xffff)) + static_cast<uint64_t>(new_h >> 16) + (new_h & 0xffff);
  return ChecksumFinish(Fold(sum));
}

uint16_t ChecksumUpdateBytes(uint16_t checksum_h, const uint8_t* old_n, const uint8_t* new_n, size_t len) {
  assert(len % 2 == 0);
  uint64_t sum = static_cast<uint16_t>(~checksum_h);
  for (size_t i = 0; i < len; i += 2) {
    sum += static_cast<uint16_t>(~LoadBe16(old_n + i));
    sum += LoadBe16(new_n + i);
  }
  return ChecksumFinish(Fold(sum));
}

}  // namespace portscan
