// SPDX-License-Identifier: MIT
// syn_loop.cc: Stealth scan orchestration and the receive thread (see syn_loop.h).
#include "syn_loop.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "pkt_parse.h"
#include "thread_caps.h"

namespace portscan {
namespace {
constexpr uint8_t kTcpSyn = 0x02, kTcpRst = 0x04, kTcpAck = 0x10;

// A captured reply takes about 128 bytes of the ring (TPACKET_V3 packs frames), so 32 MB holds
// over a second of replies at full speed while the receive thread is held up. A small scan gets
// a ring that holds all of its replies (at least 4 MB), since the kernel takes ~15 ms to set up
// a 32 MB ring and more to free it at the end.
int CaptureBufferBytes(const SynLoopOptions& o) {
  const uint64_t probes = o.end_index - o.start_index;
  return static_cast<int>(std::clamp<uint64_t>(probes * 128, 4u << 20, 32u << 20));
}
}  // namespace

SynLoop::SynLoop(SynPlan plan, const SynLoopOptions& opts, Sink sink, FailSink fail)
    : shared_(std::move(plan), opts, std::move(sink), std::move(fail)) {}

SynLoop::~SynLoop() { Stop(); }

bool SynLoop::Start(std::string* code, std::string* message) {
  const uint32_t threads = std::clamp<uint32_t>(shared_.opts.threads, 1, kMaxSynThreads);
  for (uint32_t k = 0; k < threads; ++k) {
    tx_.push_back(std::make_unique<SynTx>(&shared_, k));
    if (!tx_.back()->Open(code, message)) return false;
  }
  // Our source ports (one per try, then the sentinels'), and ICMP unreachables (which quote our
  // probe); compiled into the kernel. snaplen 256: the parser wants whole packets, and an ICMPv6
  // error quoting a probe is 112 bytes.
  const uint32_t last_port = uint32_t{shared_.opts.src_port_h} + shared_.SentinelTry();
  const std::string filter = "tcp dst portrange " + std::to_string(shared_.opts.src_port_h) + "-" +
                             std::to_string(last_port) +
                             " or icmp[icmptype] == icmp-unreach or (icmp6 and ip6[40] == 1)";
  if (!rx_.Open(shared_.opts.device, filter, 256, CaptureBufferBytes(shared_.opts), false, code, message)) return false;
  // The capture is open before the first probe leaves, so no early reply is missed. `running`
  // is set before the receive thread starts: it runs while any transmit thread does.
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  shared_.rx_wake_fd = wake_fd_;
  shared_.running.store(threads);
  rx_thread_ = std::thread([this] { RunRx(); });
  for (auto& tx : tx_) tx->Start();
  return true;
}

void SynLoop::RunRx() {
  pthread_setname_np(pthread_self(), "portscan:syn-rx");
  DropEngineThreadCapabilities();  // the capture is open (see thread_caps.h)
  std::vector<std::vector<SynReply>> local(tx_.size());
  pollfd pfds[2] = {{rx_.Fd(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  const PcapCapture::FrameFn on_frame = [this, &local](const uint8_t* frame, size_t caplen) {
    OnFrame(frame, caplen, &local);
  };
  // Keep capturing until every transmit thread has finished (their last waits are over).
  while (!shared_.stop.load(std::memory_order_relaxed) && shared_.running.load() > 0) {
    if (poll(pfds, wake_fd_ >= 0 ? 2 : 1, 20) < 0 && errno != EINTR) {
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
  // Done capturing: close now, in this thread (see SynTx::Run), not in the engine's close().
  shared_.drops.store(rx_.Drops(), std::memory_order_relaxed);
  rx_.Close();
}

bool SynLoop::OurPort(uint16_t port_h) const {
  return port_h >= shared_.opts.src_port_h && uint32_t{port_h} - shared_.opts.src_port_h <= shared_.SentinelTry();
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
    r.try_index = static_cast<uint16_t>(p.dst_port_h - o.src_port_h);
  } else {
    if (!OurPort(p.orig_src_port_h)) return;
    if (!ProbeSeqMatches(shared_.key, p.family, p.orig_src_addr_n, p.orig_dst_addr_n, p.orig_src_port_h,
                         p.orig_dst_port_h, p.orig_seq_h)) {
      return;
    }
    if (!shared_.plan.IndexOf(p.family, p.orig_dst_addr_n, p.orig_dst_port_h, &r.j)) return;
    r.kind = kIcmp;
    r.try_index = static_cast<uint16_t>(p.orig_src_port_h - o.src_port_h);
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
  shared_.WakeRx();
  if (rx_thread_.joinable()) rx_thread_.join();
  rx_.Close();
  if (wake_fd_ >= 0) close(wake_fd_);
  wake_fd_ = -1;
  shared_.rx_wake_fd = -1;
}

}  // namespace portscan
