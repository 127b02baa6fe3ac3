// SPDX-License-Identifier: MIT
// syn_shared.cc: what the Stealth-mode threads share (SynShared in syn_tx.h): the options, the
// counters, the retries a new probe gets, the send phase, and the monotonic clock.
#include <sys/eventfd.h>
#include <time.h>

#include <algorithm>

#include "syn_tx.h"

namespace portscan {

uint8_t SynShared::RetriesFor(uint64_t j) const {
  if (!opts.auto_retries || j % kRetrySample == 0) return opts.retries;
  return static_cast<uint8_t>(std::min<uint32_t>(opts.retries, retries_now.load(std::memory_order_relaxed)));
}

uint64_t SynNowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);  // monotonic: a clock change must not expire probes
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

SynShared::SynShared(SynPlan p, const SynLoopOptions& o, Sink s, FailSink f)
    : plan(std::move(p)),
      opts(o),
      key(CookieKeyFromBytes(o.cookie_key)),
      perm(plan.Size(), o.seed),
      sink(std::move(s)),
      fail(std::move(f)) {
  rate_pps.store(o.rate_pps);
  retries_now.store(o.retries);
  timeout_us.store(uint64_t{o.timeout_ms} * 1000);
  last_try_timeout_us.store(uint64_t{o.timeout_ms} * 1000);
}

void SynShared::WakeRx() const {
  if (rx_wake_fd >= 0) eventfd_write(rx_wake_fd, 1);
}

void SynShared::NoteSendPhase(uint64_t first_us, uint64_t last_us) {
  if (first_us == 0) return;
  uint64_t seen = first_send_us.load();
  while ((seen == 0 || first_us < seen) && !first_send_us.compare_exchange_weak(seen, first_us)) {
  }
  seen = last_first_try_us.load();
  while (last_us > seen && !last_first_try_us.compare_exchange_weak(seen, last_us)) {
  }
}

SynStats SynShared::Stats() const {
  SynStats s;
  s.sentinels = sentinels.load();
  s.sent = sent.load() - s.sentinels;  // Send counts every packet
  const uint64_t first = first_send_us.load(), last = last_first_try_us.load();
  s.send_phase_us = first != 0 && last > first && running.load() == 0 ? last - first : 0;
  s.replies = replies.load();
  s.duplicates = duplicates.load();
  s.late = late.load();
  s.pcap_drops = drops.load();
  s.in_flight = in_flight.load();
  return s;
}

}  // namespace portscan
