// SPDX-License-Identifier: MIT
// syn_tx.cc: one Stealth-mode transmit thread (see syn_tx.h): its sockets, the paced send loop,
// building and sending the probes. The probes in flight are syn_tx_probes.cc's; what the threads
// share, syn_shared.cc's.
#include "syn_tx.h"

#include <pthread.h>
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
    // Tokens others took are owed by whichever thread sees them first: it waits them off.
    if (const uint64_t debt = shared_->debt.exchange(0, std::memory_order_relaxed); debt != 0 && rate != 0)
      tokens -= static_cast<double>(debt);
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
