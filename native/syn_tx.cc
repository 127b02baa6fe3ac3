// SPDX-License-Identifier: MIT
// syn_tx.cc: one Stealth-mode transmit thread (see syn_tx.h).
#include "syn_tx.h"

#include <pthread.h>
#include <sys/eventfd.h>
#include <time.h>

#include <algorithm>
#include <cstring>

#include "thread_caps.h"

namespace portscan {
namespace {

void SleepUs(uint64_t us) {
  timespec ts{static_cast<time_t>(us / 1000000u), static_cast<long>((us % 1000000u) * 1000u)};
  nanosleep(&ts, nullptr);
}

// A probe is in a table at most once, so a thread never needs more room than its share of the
// plan: a small scan does not pay for (allocate and clear) tables sized for a large one.
uint64_t ThreadShare(const SynLoopOptions& o) {
  const uint64_t threads = std::max<uint32_t>(1, o.threads);
  return (o.end_index - o.start_index + threads - 1) / threads + 16;
}

// Probes in flight, all threads together, at most: the tables grow to hold what the rate times
// the wait puts in flight (1 Mpps for a 1 s wait, beyond what this kind of machine sends), and a
// thread that reaches its share of this waits (back-pressure): it bounds memory (32 MB of
// entries), and the rate only where --timeout or --wait is long.
constexpr uint64_t kMaxInFlight = uint64_t{1} << 20;

// Pacing: how much sending a late thread may make up (see Loop).
constexpr double kCatchUpS = 0.05;

uint64_t InFlightLimit(const SynLoopOptions& o) {
  return std::min(ThreadShare(o), kMaxInFlight / std::max<uint32_t>(1, o.threads));
}

// The tables start small and double as the probes in flight require.
uint64_t InitialRoom(const SynLoopOptions& o) { return std::min<uint64_t>(ThreadShare(o), 4096); }

}  // namespace

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

SynTx::SynTx(SynShared* shared, uint32_t index)
    : shared_(shared),
      index_(index),
      in_flight_limit_(InFlightLimit(shared->opts)),
      table_(InitialRoom(shared->opts)),
      final_(InitialRoom(shared->opts)) {
  const auto build = [](uint8_t family, const uint8_t* src_n, const LinkPath& link, ProbeTemplate* out) {
    TemplateOptions t;
    t.family = family;
    std::memcpy(t.src_addr_n, src_n, family == kFamilyV6 ? 16 : 4);
    t.ethernet = link.use;
    std::memcpy(t.src_mac, link.src_mac, 6);
    std::memcpy(t.dst_mac, link.dst_mac, 6);
    BuildProbeTemplate(t, out);
  };
  build(kFamilyV4, shared->opts.src_v4_n, shared->opts.link_v4, &tmpl4_);
  build(kFamilyV6, shared->opts.src_v6_n, shared->opts.link_v6, &tmpl6_);
}

SynTx::~SynTx() { Join(); }

bool SynTx::Open(std::string* code, std::string* message) {
  int err = 0;
  const SynLoopOptions& o = shared_->opts;
  const char* which = nullptr;
  const auto open = [&err](RawSender* s, uint8_t family, const LinkPath& link) {
    return link.use ? s->OpenLink(family, link.ifindex, link.dst_mac, &err) : s->Open(family, &err);
  };
  if (o.has_v4 && !open(&tx4_, kFamilyV4, o.link_v4))
    which = o.link_v4.use ? "socket(AF_PACKET, SOCK_RAW)" : "socket(AF_INET, SOCK_RAW)";
  if (which == nullptr && o.has_v6 && !open(&tx6_, kFamilyV6, o.link_v6)) {
    which = o.link_v6.use ? "socket(AF_PACKET, SOCK_RAW)" : "socket(AF_INET6, SOCK_RAW)";
  }
  if (which == nullptr) return true;
  *code = strerrorname_np(err) ? strerrorname_np(err) : "EIO";
  *message = std::string(which) + ": " + std::strerror(err);
  return false;
}

void SynTx::Start() {
  thread_ = std::thread([this] { Run(); });
}

void SynTx::Join() {
  if (thread_.joinable()) thread_.join();
  tx4_.Close();
  tx6_.Close();
}

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

// Writes the SYN for plan index j from source port `sport` into its family's batch; sends the
// batch when it is full.
void SynTx::Build(uint64_t j, uint16_t sport, uint8_t* family) {
  uint8_t addr[16] = {};
  uint16_t port = 0;
  shared_->plan.At(j, addr, family, &port);
  const SynLoopOptions& o = shared_->opts;
  const bool v6 = *family == kFamilyV6;
  const uint32_t seq = SynCookie(shared_->key, *family, v6 ? o.src_v6_n : o.src_v4_n, addr, sport, port);
  Batch& b = v6 ? b6_ : b4_;
  const ProbeTemplate& t = v6 ? tmpl6_ : tmpl4_;
  PatchProbe(t, b.packets[b.n], addr, port, sport, seq);
  b.sizes[b.n] = t.size;
  sockaddr_storage& ss = b.dsts[b.n];
  if ((v6 ? tx6_ : tx4_).IsLink()) {
    // the frame carries its addresses
  } else if (v6) {
    std::memset(&ss, 0, sizeof(ss));
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    std::memcpy(&s6->sin6_addr, addr, 16);
  } else {
    std::memset(&ss, 0, sizeof(ss));
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    std::memcpy(&s4->sin_addr, addr, 4);
  }
  b.n++;
  if (b.n == kBatch) Send(&b, *family);
}

bool SynTx::Send(Batch* b, uint8_t family) {
  if (b->n == 0) return true;
  int err = 0;
  RawSender& s = family == kFamilyV6 ? tx6_ : tx4_;
  const int sent = s.SendBatch(&b->packets[0][0], kMaxProbeSize, b->sizes, b->dsts, b->n, &err);
  shared_->sent += static_cast<uint64_t>(sent);
  b->n = 0;
  if (err == 0) return true;
  const std::string what = err == ENETDOWN
                               ? "sending failed: no route to the targets any more (did the interface go down?)"
                               : std::string("sendmmsg: ") + std::strerror(err);
  shared_->fail(strerrorname_np(err) ? strerrorname_np(err) : "EIO", what);
  return false;
}

void SynTx::Run() {
  pthread_setname_np(pthread_self(), "portscan:syn-tx");
  DropEngineThreadCapabilities();  // its raw sockets are open (see thread_caps.h)
  const bool finished = Loop();
  shared_->NoteSendPhase(first_send_us_, last_first_try_us_);
  last_mark_us_ = 0;  // report the final mark with the last flush
  Flush(SynNowUs(), false);
  // The last thread to finish says the scan is done (after its own and every other flush).
  if (shared_->running.fetch_sub(1) == 1) {
    if (finished) Flush(SynNowUs(), true);
    shared_->WakeRx();  // at once, not at its next poll timeout: closing the engine joins it
  }
  // Closing a packet socket waits for an RCU grace period (synchronize_net, 5-20 ms here): each
  // thread closes its own, in parallel and while JavaScript takes the last results, rather than
  // the engine's close() doing them one after another.
  tx4_.Close();
  tx6_.Close();
}

bool SynTx::Loop() {
  const SynLoopOptions& o = shared_->opts;
  const uint64_t step = std::max<uint32_t>(1, o.threads);
  next_i_ = o.start_index + index_;
  double tokens = 0;
  uint64_t last_us = SynNowUs();
  last_flush_us_ = last_us;
  while (!shared_->stop.load(std::memory_order_relaxed)) {
    const uint64_t now = SynNowUs();
    Drain();
    Expire(now);
    // Each thread paces its share of the rate. The bucket holds what the rate earns in 50 ms (at
    // least a batch): a thread woken late, or preempted, on a busy machine catches up what it
    // missed within that, so each second still carries the rate; a longer stall is not made up
    // with a burst.
    const double rate =
        static_cast<double>(shared_->rate_pps.load(std::memory_order_relaxed)) / static_cast<double>(step);
    const double bucket = std::max<double>(kBatch, rate * kCatchUpS);
    tokens = rate == 0 ? kBatch * 4 : std::min(bucket, tokens + static_cast<double>(now - last_us) * rate / 1e6);
    last_us = now;
    int budget = static_cast<int>(tokens);
    int sent_now = 0;
    bool first_tries = false;
    if (shared_->draining.load(std::memory_order_relaxed)) {
      budget = 0;
      for (const Retry& r : retries_) lowest_dropped_ = std::min(lowest_dropped_, r.i);
      retries_.clear();
      lowest_dropped_ = std::min(lowest_dropped_, next_i_);
      next_i_ = o.end_index;
    }
    // Sentinels first: each covers the last tries already sent, and takes one probe's place in
    // the rate (when draining, one may still go out, so the wait ends sooner).
    const int sentinels =
        SendSentinels(now, budget > 0 ? budget : (shared_->draining.load(std::memory_order_relaxed) ? 1 : 0));
    budget -= sentinels;
    sent_now += sentinels;
    while (budget > 0 && table_.Size() + final_.Size() < in_flight_limit_) {
      if (!retries_.empty()) {
        const Retry r = retries_.front();
        retries_.pop_front();
        Add(r.j, r.i, r.attempt, r.retries_allowed, now);
      } else if (next_i_ < o.end_index) {
        const uint64_t j = shared_->perm.Permute(next_i_);
        Add(j, next_i_, 0, shared_->RetriesFor(j), now);
        next_i_ += step;
        first_tries = true;
      } else {
        break;
      }
      budget--;
      sent_now++;
    }
    if (!Send(&b4_, kFamilyV4) || !Send(&b6_, kFamilyV6)) return false;
    if (first_tries) {
      last_first_try_us_ = SynNowUs();
      if (first_send_us_ == 0) first_send_us_ = now;
    }
    tokens -= sent_now;
    if (out_.size() >= o.max_batch || now - last_flush_us_ >= o.flush_interval_ms * 1000ull) Flush(now, false);
    if (next_i_ >= o.end_index && retries_.empty() && table_.Empty() && final_.Empty()) return true;
    if (sent_now == 0 || (rate != 0 && tokens < 1)) {
      // Nothing to send now: sleep until a token is due, or 1 ms, whichever is first.
      uint64_t wake = 1000;
      if (rate != 0 && tokens < 1)
        wake = std::min<uint64_t>(wake, static_cast<uint64_t>((1 - tokens) * 1e6 / rate) + 1);
      SleepUs(std::max<uint64_t>(wake, 20));
    }
  }
  return false;
}

}  // namespace portscan
