// SPDX-License-Identifier: MIT
// syn_loop.cc: Stealth scan orchestration and the receive thread (see syn_loop.h).
#include "syn_loop.h"

#include <poll.h>
#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "pkt_parse.h"

namespace portscan {
namespace {
constexpr uint8_t kTcpSyn = 0x02, kTcpRst = 0x04, kTcpAck = 0x10;
}

SynLoop::SynLoop(SynPlan plan, const SynLoopOptions& opts, Sink sink, FailSink fail)
    : shared_(std::move(plan), opts, std::move(sink), std::move(fail)) {}

SynLoop::~SynLoop() { Stop(); }

bool SynLoop::Start(std::string* code, std::string* message) {
  const uint32_t threads = std::clamp<uint32_t>(shared_.opts.threads, 1, 16);
  for (uint32_t k = 0; k < threads; ++k) {
    tx_.push_back(std::make_unique<SynTx>(&shared_, k));
    if (!tx_.back()->Open(code, message)) return false;
  }
  // Our source ports (one per try), and ICMP unreachables (which quote our probe); compiled into the kernel.
  // snaplen 256: the parser wants whole packets, and an ICMPv6 error quoting a probe is 112 bytes.
  const uint32_t last_port = uint32_t{shared_.opts.src_port_h} + shared_.opts.retries;
  const std::string filter = "tcp dst portrange " + std::to_string(shared_.opts.src_port_h) + "-" +
                             std::to_string(last_port) +
                             " or icmp[icmptype] == icmp-unreach or (icmp6 and ip6[40] == 1)";
  if (!rx_.Open(shared_.opts.device, filter, 256, 32 << 20, false, code, message)) return false;
  // The capture is open before the first probe leaves, so no early reply is missed. `running`
  // is set before the receive thread starts: it runs while any transmit thread does.
  shared_.running.store(threads);
  rx_thread_ = std::thread([this] { RunRx(); });
  for (auto& tx : tx_) tx->Start();
  return true;
}

void SynLoop::RunRx() {
  pthread_setname_np(pthread_self(), "portscan:syn-rx");
  std::vector<std::vector<SynReply>> local(tx_.size());
  pollfd pfd{rx_.Fd(), POLLIN, 0};
  const PcapCapture::FrameFn on_frame = [this, &local](const uint8_t* frame, size_t caplen) {
    OnFrame(frame, caplen, &local);
  };
  // Keep capturing until every transmit thread has finished (their last waits are over).
  while (!shared_.stop.load(std::memory_order_relaxed) && shared_.running.load() > 0) {
    if (poll(&pfd, 1, 20) < 0 && errno != EINTR) {
      shared_.fail("EPCAP", std::string("poll on the capture: ") + std::strerror(errno));
      break;
    }
    int got = 0;
    while ((got = rx_.Dispatch(-1, on_frame)) > 0) {
    }
    if (got < 0) {
      shared_.fail("EPCAP", "capture failed: " + rx_.LastError());
      break;
    }
    for (size_t k = 0; k < local.size(); ++k) {
      if (local[k].empty()) continue;
      tx_[k]->Deliver(local[k].data(), local[k].size());
      local[k].clear();
    }
    shared_.drops.store(rx_.Drops(), std::memory_order_relaxed);
  }
}

bool SynLoop::OurPort(uint16_t port_h) const {
  return port_h >= shared_.opts.src_port_h && port_h - shared_.opts.src_port_h <= shared_.opts.retries;
}

void SynLoop::OnFrame(const uint8_t* frame, size_t caplen, std::vector<std::vector<SynReply>>* out) {
  ParsedReply p;
  if (ParseFrame(rx_.LinkType(), frame, caplen, &p) != ParseStatus::kOk) return;
  const SynLoopOptions& o = shared_.opts;
  SynReply r{};
  r.arrival_us = SynNowUs();
  r.ttl = p.ttl;
  if (p.kind == kReplyTcp) {
    // An answer to a SYN always carries ACK (RFC 793 3.4): SYN-ACK means open, RST-ACK closed.
    if (!OurPort(p.dst_port_h) || !(p.tcp_flags & kTcpAck)) return;
    if (p.tcp_flags & kTcpSyn) {
      r.kind = kConnected;
    } else if (p.tcp_flags & kTcpRst) {
      r.kind = kRefused;
    } else {
      return;
    }
    if (!CookieMatches(shared_.key, p.family, p.src_addr_n, p.dst_addr_n, p.src_port_h, p.dst_port_h, p.ack_h)) return;
    if (!shared_.plan.IndexOf(p.family, p.src_addr_n, p.src_port_h, &r.j)) return;
    r.tcp_flags = p.tcp_flags;
  } else {
    if (!OurPort(p.orig_src_port_h)) return;
    if (!ProbeSeqMatches(shared_.key, p.family, p.orig_src_addr_n, p.orig_dst_addr_n, p.orig_src_port_h,
                         p.orig_dst_port_h, p.orig_seq_h)) {
      return;
    }
    if (!shared_.plan.IndexOf(p.family, p.orig_dst_addr_n, p.orig_dst_port_h, &r.j)) return;
    r.kind = kIcmp;
    r.icmp_type = p.icmp_type;
    r.icmp_code = p.icmp_code;
  }
  // The probe for plan index j was sent by the thread that owns its position in the order.
  const uint64_t position = shared_.perm.Unpermute(r.j);
  if (position < o.start_index) return;
  (*out)[(position - o.start_index) % out->size()].push_back(r);
}

void SynLoop::Stop() {
  shared_.stop.store(true);
  for (auto& tx : tx_) tx->Join();
  if (rx_thread_.joinable()) rx_thread_.join();
  rx_.Close();
}

}  // namespace portscan
