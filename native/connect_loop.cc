// SPDX-License-Identifier: MIT
// connect_loop.cc: the connect() scan loop (see connect_loop.h). Linux: epoll and eventfd.
// The loop never blocks on a socket: connect() is nonblocking (man 2 connect, EINPROGRESS), its
// outcome is read with getsockopt(SO_ERROR) when epoll reports the socket writable, and every
// socket is closed with SO_LINGER {1, 0} so neither side keeps TIME_WAIT state.
#include "connect_loop.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "connect_socket.h"
#include "thread_caps.h"

namespace portscan {
namespace {

uint64_t NowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);  // monotonic: a clock change must not expire probes
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

constexpr uint64_t kWakeTag = ~0ull;
constexpr int kMaxEvents = 1024;
constexpr uint32_t kLaunchBurst = 256;

}  // namespace

ConnectLoop::ConnectLoop(const ConnectLoopOptions& opts, Sink sink, FailSink fail)
    : opts_(opts), sink_(std::move(sink)), fail_(std::move(fail)) {}

ConnectLoop::~ConnectLoop() { Stop(); }

bool ConnectLoop::Start(int* err, const char** syscall) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    *err = errno;
    *syscall = "epoll_create1";
    return false;
  }
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    *err = errno;
    *syscall = "eventfd";
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
    *err = errno;
    *syscall = "epoll_ctl";
    return false;
  }
  const uint32_t window = std::max<uint32_t>(1, opts_.window);
  slots_.resize(window);
  free_slots_.reserve(window);
  for (uint32_t i = window; i > 0; --i) free_slots_.push_back(i - 1);
  window_cap_ = window;
  thread_ = std::thread([this] { Run(); });
  return true;
}

void ConnectLoop::Submit(const TargetRecord* targets, size_t count, bool urgent) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    auto& into = urgent ? incoming_urgent_ : incoming_;
    into.insert(into.end(), targets, targets + count);
  }
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof(one));
}

size_t ConnectLoop::DropQueued() {
  std::unique_lock<std::mutex> lock(drop_mutex_);
  if (loop_exited_ || !thread_.joinable()) return 0;
  drop_requested_.store(true);
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof(one));
  drop_done_.wait(lock, [this] { return !drop_requested_.load() || loop_exited_; });
  const size_t n = dropped_;
  dropped_ = 0;
  return n;
}

// Loop thread: empties the queue (and what was submitted since the last turn) for DropQueued.
void ConnectLoop::DropPending() {
  size_t n = pending_.size();
  pending_.clear();
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    n += incoming_.size() + incoming_urgent_.size();
    incoming_.clear();
    incoming_urgent_.clear();
  }
  std::lock_guard<std::mutex> lock(drop_mutex_);
  dropped_ += n;
  drop_requested_.store(false);
  drop_done_.notify_all();
}

void ConnectLoop::Stop() {
  stop_.store(true);
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }
  if (thread_.joinable()) thread_.join();
  for (Slot& s : slots_) {
    if (s.fd >= 0) close(s.fd);
    s.fd = -1;
  }
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
  epoll_fd_ = wake_fd_ = -1;
}

void ConnectLoop::Emit(const TargetRecord& t, ResultKind kind, int err, uint32_t rtt_us) {
  ResultRecord r{};
  std::memcpy(r.addr_n, t.addr_n, sizeof(r.addr_n));
  r.port_h = t.port_h;
  r.family = t.family;
  r.kind = kind;
  r.err = err;
  r.rtt_us = rtt_us;
  r.attempt = t.attempt;
  out_.push_back(r);
}

void ConnectLoop::Launch(const TargetRecord& t, uint64_t now_us) {
  const int domain = t.family == kFamilyV6 ? AF_INET6 : AF_INET;
  const int fd = socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int e = errno;
    if (IsLocalShortage(e) && in_flight_ > 0) {
      window_cap_ = std::max<uint32_t>(1, in_flight_);  // learn the real limit, never crash on it
      pending_.push_front(t);
      return;
    }
    Emit(t, kError, e, 0);
    return;
  }
  sockaddr_storage ss;
  const socklen_t len = FillSockaddr(t, &ss);
  int err = 0;
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) err = errno;
  if (err == EINPROGRESS) {
    // On loopback and veth the SYN -> RST exchange often completes inside connect(): read the
    // outcome now and skip an epoll round trip (measured +10-20%, speed-techniques.md 8.2).
    int so_err = 0;
    socklen_t so_len = sizeof(so_err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_err, &so_len);
    if (so_err != 0) {
      err = so_err;
    } else {
      const uint32_t slot_index = free_slots_.back();
      free_slots_.pop_back();
      Slot& s = slots_[slot_index];
      s.fd = fd;
      s.gen++;
      s.start_us = now_us;
      s.target = t;
      epoll_event ev{};
      ev.events = EPOLLOUT | EPOLLERR | EPOLLHUP;
      ev.data.u64 = (static_cast<uint64_t>(s.gen) << 32) | slot_index;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        const int e = errno;
        close(fd);
        s.fd = -1;
        free_slots_.push_back(slot_index);
        Emit(t, kError, e, 0);
        return;
      }
      in_flight_++;
      deadlines_.push({now_us + static_cast<uint64_t>(t.timeout_ms) * 1000u, slot_index, s.gen});
      return;
    }
  }
  CloseAbortive(fd, KindFor(err));
  if (IsLocalShortage(err) && in_flight_ > 0) {
    window_cap_ = std::max<uint32_t>(1, in_flight_);
    pending_.push_front(t);
    return;
  }
  Emit(t, KindFor(err), err, static_cast<uint32_t>(NowUs() - now_us));
}

void ConnectLoop::Complete(uint32_t slot_index, int err, ResultKind kind, uint64_t now_us) {
  Slot& s = slots_[slot_index];
  const uint32_t resent = SynRetransmits(s.fd);
  s.target.attempt = static_cast<uint8_t>(std::min<uint32_t>(255, s.target.attempt + resent));
  CloseAbortive(s.fd, kind);  // closing also removes it from the epoll set
  s.fd = -1;
  s.gen++;  // any deadline still queued for this slot is now stale
  free_slots_.push_back(slot_index);
  in_flight_--;
  Emit(s.target, kind, err, static_cast<uint32_t>(now_us - s.start_us));
}

void ConnectLoop::ExpireDeadlines(uint64_t now_us) {
  while (!deadlines_.empty() && deadlines_.top().at_us <= now_us) {
    const Deadline d = deadlines_.top();
    deadlines_.pop();
    if (slots_[d.slot].fd >= 0 && slots_[d.slot].gen == d.gen) Complete(d.slot, 0, kTimeout, now_us);
  }
}

void ConnectLoop::Flush(uint64_t now_us) {
  last_flush_us_ = now_us;
  if (out_.empty()) return;
  std::vector<ResultRecord> batch;
  batch.swap(out_);
  out_.reserve(std::min<size_t>(opts_.max_batch, 4096));
  sink_(std::move(batch));
}

int ConnectLoop::NextWaitMs(uint64_t now_us) const {
  uint64_t wait_us = ~0ull;
  if (!out_.empty()) {
    const uint64_t due = last_flush_us_ + opts_.flush_interval_ms * 1000ull;
    wait_us = due > now_us ? due - now_us : 0;
  }
  if (!deadlines_.empty()) {
    const uint64_t at = deadlines_.top().at_us;
    wait_us = std::min(wait_us, at > now_us ? at - now_us : 0);
  }
  if (wait_us == ~0ull) return -1;  // nothing to wait for but new work or stop
  return static_cast<int>((wait_us + 999) / 1000);
}

void ConnectLoop::Run() {
  RunLoop();
  std::lock_guard<std::mutex> lock(drop_mutex_);
  loop_exited_ = true;  // a DropQueued waiting now, or called later, returns at once
  drop_done_.notify_all();
}

void ConnectLoop::RunLoop() {
  pthread_setname_np(pthread_self(), "portscan:conn");
  DropEngineThreadCapabilities();  // connect() needs none (see thread_caps.h)
  std::vector<epoll_event> events(kMaxEvents);
  std::vector<TargetRecord> grabbed;
  std::vector<TargetRecord> grabbed_urgent;
  last_flush_us_ = NowUs();
  while (!stop_.load(std::memory_order_relaxed)) {
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      grabbed.swap(incoming_);
      grabbed_urgent.swap(incoming_urgent_);
    }
    if (!grabbed.empty()) {
      pending_.insert(pending_.end(), grabbed.begin(), grabbed.end());
      grabbed.clear();
    }
    if (!grabbed_urgent.empty()) {
      pending_.insert(pending_.begin(), grabbed_urgent.begin(), grabbed_urgent.end());
      grabbed_urgent.clear();
    }
    if (drop_requested_.load()) DropPending();
    uint64_t now = NowUs();
    // Launch up to the window. A window cap lowered by a descriptor shortage creeps back up.
    if (window_cap_ < slots_.size() && in_flight_ + 1 < window_cap_) window_cap_++;
    // A bounded burst, so deadlines, completions and urgent retries are looked at often even
    // when every probe completes inside connect() and the window never fills.
    for (uint32_t burst = 0;
         burst < kLaunchBurst && !pending_.empty() && in_flight_ < window_cap_ && !free_slots_.empty(); ++burst) {
      const TargetRecord t = pending_.front();
      pending_.pop_front();
      Launch(t, now);
      if (out_.size() >= opts_.max_batch) Flush(now);
    }
    if (in_flight_ == 0 && pending_.empty() && !out_.empty()) Flush(now);  // idle: hand over now
    const bool can_launch_more = !pending_.empty() && in_flight_ < window_cap_;
    const int wait_ms = can_launch_more ? 0 : NextWaitMs(now);
    const int n = epoll_wait(epoll_fd_, events.data(), kMaxEvents, wait_ms);
    if (n < 0 && errno != EINTR) {
      fail_(errno, "epoll_wait");
      return;
    }
    now = NowUs();
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[static_cast<size_t>(i)].data.u64;
      if (tag == kWakeTag) {
        uint64_t v;
        (void)!read(wake_fd_, &v, sizeof(v));
        continue;
      }
      const uint32_t slot_index = static_cast<uint32_t>(tag & 0xffffffffu);
      const uint32_t gen = static_cast<uint32_t>(tag >> 32);
      Slot& s = slots_[slot_index];
      if (s.fd < 0 || s.gen != gen) continue;
      int so_err = 0;
      socklen_t so_len = sizeof(so_err);
      getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &so_err, &so_len);
      Complete(slot_index, so_err, KindFor(so_err), now);
    }
    ExpireDeadlines(now);
    if (out_.size() >= opts_.max_batch ||
        (!out_.empty() && now - last_flush_us_ >= opts_.flush_interval_ms * 1000ull)) {
      Flush(now);
    }
  }
}

}  // namespace portscan
