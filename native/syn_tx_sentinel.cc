// SPDX-License-Identifier: MIT
// syn_tx_sentinel.cc: the adaptive wait after the last try (SynTx's sentinels, see syn_tx.h).
//
// A fixed wait after the last try must cover the worst delay a reply can meet: on a busy
// machine the target's answers (and our capture of them) can run ~100 ms behind, so a fixed
// wait is long, and it is paid at the end of every scan. A sentinel measures instead: one more
// SYN, sent after the last tries it vouches for, to a (host, port) of this scan that has already
// answered (a closed one when there is one: it leaves no half-open connection behind), from a
// source port of its own (so its answer is told apart from the probes' and never counted as a
// result). Packets of one thread and family leave through one socket in order, and the answers
// come back the same way, so when the sentinel's answer has been seen, the answers to the
// probes sent before it that were going to come have been seen too. A last try is then over
// after one timeout (the round-trip estimate) instead of the full wait; the wait stays the
// upper bound, for when no sentinel comes back. A lost one is replaced after a timeout by one to
// another target, and a target is not used again until the full wait has passed since its last
// sentinel, so a late answer is not credited to a newer sentinel (answers are told apart by
// target only: every sentinel to one target has the same 4-tuple and cookie).
//
// The order holds on one path: one socket, one queue, one CPU's backlog. Where it may not (a
// fair-queueing qdisc letting the sentinel's new flow overtake a queue, replies spread over
// CPUs), the wait is still at least one timeout (and 1.5x the longest recent round trip) after
// the last try, which covers reordering shorter than that. No Node-API.
#include <algorithm>

#include "syn_tx.h"

namespace portscan {
namespace {
constexpr uint64_t kSentinelGapUs = 2000;  // at least 2 ms between two sentinels of a family
}  // namespace

void SynTx::NoteAnswered(const SynReply& r, uint8_t family) {
  SentinelState& s = sentinel_[family == kFamilyV6 ? 1 : 0];
  if (r.kind == kRefused) {
    s.refused[s.refused_count % 8] = r.j;
    s.refused_count++;
  } else if (r.kind == kConnected) {
    s.open_j = r.j;
    s.have_open = true;
  }
}

// The most recent answered target that no sentinel in flight uses, nor one retired within the
// full wait: closed ones first.
bool SynTx::PickSentinelTarget(const SentinelState& s, uint64_t now, uint64_t* j) const {
  const uint64_t wait_us = uint64_t{shared_->opts.wait_ms} * 1000;
  const auto in_flight = [&s, now, wait_us](uint64_t candidate) {
    for (uint32_t k = 0; k < s.out_count; ++k) {
      if (s.out[k].j == candidate) return true;
    }
    for (uint32_t k = 0; k < std::min<uint32_t>(s.retired_count, 8); ++k) {
      if (s.retired[k].j == candidate && s.retired[k].sent_us + wait_us > now) return true;
    }
    return false;
  };
  const uint32_t n = std::min<uint32_t>(s.refused_count, 8);
  for (uint32_t k = 0; k < n; ++k) {
    const uint64_t candidate = s.refused[(s.refused_count - 1 - k) % 8];
    if (!in_flight(candidate)) {
      *j = candidate;
      return true;
    }
  }
  if (s.have_open && !in_flight(s.open_j)) {
    *j = s.open_j;
    return true;
  }
  return false;
}

// Called once per loop, before the loop's probes are batched: a sentinel covers the last tries
// pushed so far, which earlier loops have sent. Each takes one of `budget` (the rate's tokens),
// and they are spaced so that they never take more than 1% of the rate (per address family).
// Returns how many went.
int SynTx::SendSentinels(uint64_t now, int budget) {
  if (!shared_->opts.adaptive_wait || budget <= 0) return 0;
  const uint64_t timeout_us = shared_->timeout_us.load(std::memory_order_relaxed);
  const uint16_t sport = static_cast<uint16_t>(shared_->opts.src_port_h + shared_->SentinelTry());
  const uint64_t thread_rate_pps =
      shared_->rate_pps.load(std::memory_order_relaxed) / std::max<uint32_t>(1, shared_->opts.threads);
  const uint64_t gap_us =
      std::max<uint64_t>(kSentinelGapUs, thread_rate_pps == 0 ? 0 : 100 * 1000000ull / thread_rate_pps);
  int sent = 0;
  for (SentinelState& s : sentinel_) {
    if (sent >= budget) break;
    if (s.need <= s.drained) continue;  // nothing waits for one
    // One in flight and not yet overdue: wait for it. Overdue ones stay listed (their answer
    // still counts) until four newer ones push them out.
    if (s.out_count > 0 && s.out[s.out_count - 1].sent_us + timeout_us > now) continue;
    if (now - s.last_sent_us < gap_us) continue;
    uint64_t j = 0;
    if (!PickSentinelTarget(s, now, &j)) continue;  // nothing usable has answered: the full wait applies
    if (s.out_count == 4) Retire(&s, 0);
    s.out[s.out_count++] = Sentinel{j, final_.TailNumber(), now};
    s.last_sent_us = now;
    uint8_t family = 0;
    Build(j, sport, &family);
    shared_->sentinels++;
    sent++;
  }
  return sent;
}

// Moves out[k] to the retired ring and closes the gap.
void SynTx::Retire(SentinelState* s, uint32_t k) {
  s->retired[s->retired_count % 8] = s->out[k];
  s->retired_count++;
  std::copy(s->out + k + 1, s->out + s->out_count, s->out + k);
  s->out_count--;
}

void SynTx::OnSentinelReply(const SynReply& r) {
  for (SentinelState& s : sentinel_) {
    for (uint32_t k = 0; k < s.out_count; ++k) {
      if (s.out[k].j != r.j) continue;
      s.drained = std::max(s.drained, s.out[k].covers);
      // It and every older one are answered or superseded.
      for (uint32_t n = k + 1; n > 0; --n) Retire(&s, 0);
      return;
    }
  }
}

}  // namespace portscan
