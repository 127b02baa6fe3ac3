// SPDX-License-Identifier: MIT
// syn_tx_probes.cc: a transmit thread's probes in flight (see syn_tx.h): replies delivered by the
// receive thread matched to their probe and counted once, tries expired into retries or a final
// "silent", new tries recorded, results batched for JavaScript with the thread's resume mark.
#include <algorithm>

#include "syn_tx.h"

namespace portscan {

void SynTx::Deliver(const SynReply* replies, size_t n) {
  std::lock_guard<std::mutex> lock(inbox_mutex_);
  inbox_.insert(inbox_.end(), replies, replies + n);
}

void SynTx::Emit(const OutstandingProbes::Entry& e, const Outcome& outcome) {
  if (out_.empty() || e.i > out_max_position_) out_max_position_ = e.i;
  ResultRecord r{};
  shared_->plan.At(e.j, r.addr_n, &r.family, &r.port_h);
  r.kind = outcome.kind;
  r.err = outcome.err;
  r.rtt_us = static_cast<uint32_t>(std::min<uint64_t>(outcome.rtt_us, 0xffffffffu));
  r.attempt = e.attempt;
  r.tcp_flags = outcome.tcp_flags;
  r.ttl = outcome.ttl;
  r.retries_allowed = e.retries_allowed;
  out_.push_back(r);
}

// The lowest position of this thread that has no final result yet: every position below it
// (of this thread) is done. Probes in flight, waiting for a retry, given up by a stop, and the
// next new one all count. O(probes in flight), so it is refreshed at most every 200 ms.
uint64_t SynTx::Mark() const {
  uint64_t mark = std::min(next_i_, lowest_dropped_);
  mark = table_.LowestPosition(mark);
  mark = final_.LowestPosition(mark);
  for (const Retry& r : retries_) mark = std::min(mark, r.i);
  return mark;
}

void SynTx::Flush(uint64_t now, bool done) {
  last_flush_us_ = now;
  const bool new_mark = now - last_mark_us_ >= 200000 || done;
  if (new_mark) {
    mark_ = Mark();
    last_mark_us_ = now;
  }
  if (out_.empty() && !done && !new_mark) return;
  std::vector<ResultRecord> batch;
  batch.swap(out_);
  shared_->sink(std::move(batch), shared_->Stats(), done, index_, mark_, out_max_position_);
}

void SynTx::Drain() {
  {
    std::lock_guard<std::mutex> lock(inbox_mutex_);
    replies_.swap(inbox_);
  }
  for (const SynReply& r : replies_) {
    if (r.try_index == shared_->SentinelTry()) {
      OnSentinelReply(r);
      continue;
    }
    OutstandingProbes::Entry* e = table_.Find(r.j);
    if (e == nullptr) e = final_.Find(r.j);
    if (e == nullptr) {
      shared_->late++;
    } else if (e->answered) {
      shared_->duplicates++;
    } else {
      e->answered = 1;
      shared_->replies++;
      const int32_t err = r.kind == kIcmp ? (int32_t{r.icmp_type} << 8 | r.icmp_code) : 0;
      const uint64_t rtt = r.arrival_us > e->sent_us ? r.arrival_us - e->sent_us : 0;
      NoteAnswered(r, e->family);
      Emit(*e, Outcome{r.kind, err, rtt, r.tcp_flags, r.ttl});
    }
  }
  replies_.clear();
}

// Two FIFOs, each with one deadline for all its entries, so a long last-try wait never holds
// up the retries queued behind it (head-of-line blocking measured at +0.4 s on a one-host scan).
void SynTx::Expire(uint64_t now) {
  const uint64_t timeout_us = shared_->timeout_us.load(std::memory_order_relaxed);
  const uint64_t wait_us = std::max<uint64_t>(timeout_us, uint64_t{shared_->opts.wait_ms} * 1000);
  const bool draining = shared_->draining.load(std::memory_order_relaxed);
  while (!table_.Empty() && table_.Front().sent_us + timeout_us <= now) {
    const OutstandingProbes::Entry e = table_.Front();
    table_.Pop();
    if (e.answered) continue;
    if (draining) {
      lowest_dropped_ = std::min(lowest_dropped_, e.i);  // stopped: no retry, no verdict
      continue;
    }
    retries_.push_back(Retry{e.j, e.i, static_cast<uint8_t>(e.attempt + 1), e.retries_allowed});
  }
  // A last try is over after the wait; with an adaptive wait, already once it has had its
  // shortest wait (the timeout, or more after long round trips: see lib/rtt.ts) and a sentinel
  // sent after it has come back.
  const bool adaptive = shared_->opts.adaptive_wait;
  const uint64_t last_try_wait_us = std::max(timeout_us, shared_->last_try_timeout_us.load(std::memory_order_relaxed));
  while (!final_.Empty()) {
    const OutstandingProbes::Entry e = final_.Front();
    const bool vouched = adaptive && e.sent_us + last_try_wait_us <= now &&
                         final_.HeadNumber() < sentinel_[e.family == kFamilyV6 ? 1 : 0].drained;
    if (e.sent_us + wait_us > now && !vouched) break;
    final_.Pop();
    if (e.answered) continue;
    if (draining) {
      lowest_dropped_ = std::min(lowest_dropped_, e.i);
      continue;
    }
    Emit(e, Outcome{kTimeout, 0, now - e.sent_us, 0, 0});
  }
  const uint64_t size = table_.Size() + final_.Size();
  shared_->in_flight += size - in_flight_reported_;  // unsigned wrap-around sums correctly
  in_flight_reported_ = size;
}

void SynTx::Add(uint64_t j, uint64_t i, uint8_t attempt, uint8_t retries_allowed, uint64_t now) {
  // Each try comes from its own source port, so it is a new connection to the target: a repeat
  // of the same 4-tuple and seq is a "retransmitted SYN", which Linux answers at most once per
  // 500 ms (tcp_invalid_ratelimit), so a second lost SYN-ACK would go unrepaired.
  const SynLoopOptions& o = shared_->opts;
  uint8_t family = 0;
  Build(j, static_cast<uint16_t>(o.src_port_h + attempt), &family);
  const OutstandingProbes::Entry e{j, i, now, attempt, 0, family, retries_allowed};
  if (attempt < retries_allowed) {
    table_.Push(e);
    return;
  }
  final_.Push(e);
  sentinel_[family == kFamilyV6 ? 1 : 0].need = final_.TailNumber();
}

}  // namespace portscan
