// SPDX-License-Identifier: MIT
// syn_loop.h: the Stealth (SYN) scan mechanism, with no Node-API in it. Transmit threads
// (syn_tx) walk the plan in a keyed permuted order (plan_permute), build each SYN from a
// template with the cookie as its sequence number (pkt_template, pkt_cookie), pace themselves at
// the rate TypeScript sets, send in sendmmsg batches (tx_rawsock), re-send probes still silent
// after the timeout and give up on them after the last try. The receive thread here captures
// replies with libpcap (rx_pcap), parses them with bounds checks (pkt_parse), keeps only those
// whose ack matches the cookie and whose source is in the plan, and hands each to the thread
// that sent its probe, which counts it once. What a reply means is decided in TypeScript.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "rx_pcap.h"
#include "syn_tx.h"

namespace portscan {

class SynLoop {
 public:
  using Sink = SynShared::Sink;
  using FailSink = SynShared::FailSink;

  SynLoop(SynPlan plan, const SynLoopOptions& opts, Sink sink, FailSink fail);
  ~SynLoop();
  SynLoop(const SynLoop&) = delete;
  SynLoop& operator=(const SynLoop&) = delete;

  /// Opens the raw sockets and the capture, then starts the threads. On failure returns false
  /// with an errno-style `code` ("EPERM", "ENOPCAP", ...) and a message.
  bool Start(std::string* code, std::string* message);
  /// New rate, probes per second (0 = unlimited); takes effect within a batch.
  void SetRate(uint32_t rate_pps) { shared_.rate_pps.store(rate_pps); }
  /// Another user of the rate took `tokens` of it (an identification connection): that many
  /// fewer probes go out. Nothing with no rate.
  void Debit(uint32_t tokens) { shared_.debt.fetch_add(tokens, std::memory_order_relaxed); }
  /// New per-try timeout, ms, and the shortest adaptive wait after a last try (see
  /// SynTx::Expire); a fixed wait_ms ignores the second.
  void SetTimeout(uint32_t timeout_ms, uint32_t last_try_ms) {
    shared_.timeout_us.store(uint64_t{timeout_ms} * 1000);
    shared_.last_try_timeout_us.store(uint64_t{last_try_ms} * 1000);
  }
  /// --retries auto: the retries new probes get from now on (at most the options' retries).
  void SetRetries(uint32_t retries) { shared_.retries_now.store(retries); }
  /// Stops sending; the probes in flight finish their wait, then the scan reports done.
  void Drain() { shared_.draining.store(true); }
  /// Idempotent: stops every thread and joins them. Probes in flight get no result.
  void Stop();
  SynStats Stats() const { return shared_.Stats(); }

 private:
  void RunRx();
  /// Is this one of our source ports (base + try number)?
  bool OurPort(uint16_t port_h) const;
  void OnFrame(const uint8_t* frame, size_t caplen, std::vector<std::vector<SynReply>>* out);

  SynShared shared_;
  std::vector<std::unique_ptr<SynTx>> tx_;
  PcapCapture rx_;
  int wake_fd_ = -1;  // eventfd the receive thread polls besides the capture
  std::thread rx_thread_;
};

}  // namespace portscan
