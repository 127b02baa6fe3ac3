// SPDX-License-Identifier: MIT
// syn_tx.h: one Stealth-mode transmit thread. Each owns a share of the permuted plan (positions
// start + k, start + k + n, ... for thread k of n), its own sockets (raw IP or AF_PACKET, see
// tx_rawsock.h), its own tables of probes in flight (syn_table), its own retry queue and its own
// sentinels (syn_tx_sentinel.cc), so the threads share nothing on the hot path; the receive
// thread hands each of them the replies to its own probes. On 2 cores two threads
// send about twice as fast as one, because the veth peer's work runs in the sender's softirq.
// No Node-API.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pkt_cookie.h"
#include "pkt_template.h"
#include "plan_permute.h"
#include "record.h"
#include "syn_plan.h"
#include "syn_table.h"
#include "tx_rawsock.h"

namespace portscan {

/// Most transmit threads; SynLoopOptions::threads is clamped to it before the plan is shared out.
constexpr uint32_t kMaxSynThreads = 16;

/// Sending at the link layer for one family (see tx_rawsock.h): frames out of `ifindex`, from
/// our MAC to the gateway's. Unused: the raw IP socket path.
struct LinkPath {
  bool use = false;
  int ifindex = 0;
  uint8_t src_mac[6] = {};
  uint8_t dst_mac[6] = {};
};

struct SynLoopOptions {
  uint64_t start_index = 0;  // first position in the permuted order
  uint64_t end_index = 0;    // one past the last
  uint64_t seed = 0;         // permutation key
  uint8_t cookie_key[16] = {};
  uint16_t src_port_h = 0;
  bool has_v4 = false;
  uint8_t src_v4_n[4] = {};
  bool has_v6 = false;
  uint8_t src_v6_n[16] = {};
  LinkPath link_v4;
  LinkPath link_v6;
  std::string device;          // capture device ("lo", "s0", "any")
  uint32_t rate_pps = 0;       // 0: as fast as the kernel takes them
  uint32_t timeout_ms = 1000;  // wait after each try but the last
  uint32_t wait_ms = 1000;     // wait after the last try (with adaptive_wait: the longest)
  // The wait after the last try ends once a sentinel sent after it has come back (and at least
  // one timeout has passed): see SynTx::SendSentinels.
  bool adaptive_wait = false;
  uint8_t retries = 0;  // extra tries for a silent probe, at most
  // --retries auto: most probes get SynShared::retries_now (set from JavaScript as the measured
  // loss says); one in kRetrySample (by plan index) keeps `retries`, so the loss stays measured.
  bool auto_retries = false;
  uint32_t threads = 1;  // transmit threads
  uint32_t flush_interval_ms = 20;
  uint32_t max_batch = 4096;
};

/// --retries auto: one probe in this many (by plan index, a random sample) keeps every retry.
constexpr uint64_t kRetrySample = 16;

/// Counters, read at any time from any thread.
struct SynStats {
  uint64_t sent = 0;        // probes sent, retries included
  uint64_t replies = 0;     // replies counted (first answer to a probe)
  uint64_t duplicates = 0;  // further answers to an answered probe
  uint64_t late = 0;        // answers to a probe no longer in flight
  uint64_t pcap_drops = 0;  // frames the capture lost
  uint64_t in_flight = 0;
  uint64_t sentinels = 0;      // sentinel probes sent (not counted in `sent`)
  uint64_t send_phase_us = 0;  // first probe to the last first try (all threads), once known
};

/// A reply that passed the cookie check, for the thread that sent its probe.
struct SynReply {
  uint64_t j;           // plan index
  uint64_t arrival_us;  // monotonic
  uint8_t kind;         // ResultKind
  uint8_t tcp_flags;
  uint8_t ttl;
  uint8_t icmp_type;
  uint8_t icmp_code;
  uint16_t try_index;  // destination port - source port base: the try, or SentinelTry()
};

/// What every transmit thread shares with the loop: read-only plan and options, the live
/// controls TypeScript sets, the counters, and where results go.
struct SynShared {
  /// `thread` sent the batch; every position of that thread below `mark` has its final result
  /// in this batch or an earlier one (the resume point, see SynTx::Mark); `max_position` is the
  /// highest position among the batch's results (so a resume knows where in the output the
  /// results past a mark can start).
  using Sink = std::function<void(std::vector<ResultRecord>&& batch, const SynStats& stats, bool done, uint32_t thread,
                                  uint64_t mark, uint64_t max_position)>;
  using FailSink = std::function<void(const std::string& code, const std::string& message)>;

  SynShared(SynPlan p, const SynLoopOptions& o, Sink s, FailSink f);
  SynStats Stats() const;

  const SynPlan plan;
  const SynLoopOptions opts;
  const CookieKey key;
  const Permutation perm;
  const Sink sink;
  const FailSink fail;
  std::atomic<bool> stop{false};
  std::atomic<bool> draining{false};  // send nothing more; let the probes in flight finish
  std::atomic<uint32_t> rate_pps{0};
  std::atomic<uint64_t> debt{0};  // tokens of the rate others took (-sV's connections): not sent
  std::atomic<uint64_t> timeout_us{0};
  std::atomic<uint64_t> last_try_timeout_us{0};  // adaptive wait: the least a last try waits
  std::atomic<uint32_t> retries_now{0};          // --retries auto: the retries of a new probe
  /// The retries a new probe of plan index j gets.
  uint8_t RetriesFor(uint64_t j) const;
  std::atomic<uint32_t> running{0};  // transmit threads not yet finished
  int rx_wake_fd = -1;               // eventfd: wakes the receive thread when they all have
  void WakeRx() const;
  std::atomic<uint64_t> sent{0}, replies{0}, duplicates{0}, late{0}, drops{0}, in_flight{0}, sentinels{0};
  // When the first try of the first and of the last probe left (monotonic us; 0: not yet), over
  // all threads: the send phase, comparable with the send rates other scanners print.
  std::atomic<uint64_t> first_send_us{0}, last_first_try_us{0};
  void NoteSendPhase(uint64_t first_us, uint64_t last_us);
  /// The source port offset of sentinels: one past the last try's.
  uint32_t SentinelTry() const { return uint32_t{opts.retries} + 1; }
};

class SynTx {
 public:
  SynTx(SynShared* shared, uint32_t index);
  ~SynTx();
  /// Opens this thread's raw sockets.
  bool Open(std::string* code, std::string* message);
  void Start();
  void Join();
  /// From the receive thread: replies to this thread's probes.
  void Deliver(const SynReply* replies, size_t n);

 private:
  static constexpr int kBatch = RawSender::kMaxBatch;
  struct Batch {
    uint8_t packets[kBatch][kMaxProbeSize];
    uint16_t sizes[kBatch];
    sockaddr_storage dsts[kBatch];
    int n = 0;
  };

  void Run();
  bool Loop();
  void Drain();
  void Expire(uint64_t now);
  void Add(uint64_t j, uint64_t i, uint8_t attempt, uint8_t retries_allowed, uint64_t now);
  void Build(uint64_t j, uint16_t sport, uint8_t* family);
  int SendSentinels(uint64_t now, int budget);
  void NoteAnswered(const SynReply& r, uint8_t family);
  bool Send(Batch* b, uint8_t family);
  /// What became of a probe: a ResultRecord's kind, err, rtt_us, tcp_flags and ttl.
  struct Outcome {
    uint8_t kind;
    int32_t err;
    uint64_t rtt_us;
    uint8_t tcp_flags;
    uint8_t ttl;
  };
  void Emit(const OutstandingProbes::Entry& e, const Outcome& outcome);
  void Flush(uint64_t now, bool done);

  SynShared* shared_;
  const uint32_t index_;
  RawSender tx4_;
  RawSender tx6_;
  std::thread thread_;
  const uint64_t in_flight_limit_;  // probes in both tables, at most (back-pressure)
  OutstandingProbes table_;         // probes with another try to come (timeout)
  OutstandingProbes final_;         // last tries (wait)
  struct Retry {
    uint64_t j;
    uint64_t i;
    uint8_t attempt;
    uint8_t retries_allowed;
  };
  uint64_t Mark() const;
  std::deque<Retry> retries_;
  uint64_t next_i_ = 0;
  uint64_t lowest_dropped_ = ~0ull;  // probes given up unanswered when the scan was stopped
  uint64_t mark_ = 0;
  uint64_t out_max_position_ = 0;  // highest position among the results in out_
  uint64_t last_mark_us_ = 0;
  ProbeTemplate tmpl4_{};
  ProbeTemplate tmpl6_{};
  Batch b4_;
  Batch b6_;
  std::mutex inbox_mutex_;
  std::vector<SynReply> inbox_;  // guarded by inbox_mutex_
  std::vector<SynReply> replies_;
  std::vector<ResultRecord> out_;
  uint64_t last_flush_us_ = 0;
  uint64_t in_flight_reported_ = 0;
  uint64_t first_send_us_ = 0;  // this thread's send phase (see SynShared::NoteSendPhase)
  uint64_t last_first_try_us_ = 0;

  // Sentinels, per family (0 IPv4, 1 IPv6: each has its own socket and path). A sentinel is one
  // more SYN to a (host, port) of this thread that has already answered, from the sentinel
  // source port, sent after the last tries it vouches for (final_ numbers below `covers`): on
  // the same path its answer comes after theirs, so once it is back, every reply to them that
  // was going to come has been seen.
  struct Sentinel {
    uint64_t j;
    uint64_t covers;
    uint64_t sent_us;
  };
  struct SentinelState {
    uint64_t refused[8] = {};  // plan indices that answered with RST lately (preferred targets)
    uint32_t refused_count = 0;
    uint64_t open_j = 0;  // one that answered SYN-ACK (the fallback target)
    bool have_open = false;
    uint64_t need = 0;     // final_ push numbers below this hold last tries of this family
    uint64_t drained = 0;  // final_ push numbers below this are vouched for
    Sentinel out[4] = {};  // in flight (distinct targets), oldest first
    uint32_t out_count = 0;
    Sentinel retired[8] = {};    // answered or pushed out lately: a late answer to one of these
    uint32_t retired_count = 0;  // must not be taken for a new sentinel's, so not reused soon
    uint64_t last_sent_us = 0;
  };
  bool PickSentinelTarget(const SentinelState& s, uint64_t now, uint64_t* j) const;
  static void Retire(SentinelState* s, uint32_t k);
  void OnSentinelReply(const SynReply& r);
  SentinelState sentinel_[2];
};

/// Monotonic microseconds.
uint64_t SynNowUs();

}  // namespace portscan
