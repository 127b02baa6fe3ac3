// SPDX-License-Identifier: MIT
// connect_loop.h: the Conventional (connect) scan mechanism, with no Node-API in it. One thread
// keeps a window of nonblocking connect() attempts in flight, waits on epoll, enforces each
// probe's own deadline (the kernel cannot time out a SYN in under a second), and hands finished
// probes to a sink in batches. It decides nothing about what a result means, how fast to go or
// what to retry: that is TypeScript's policy (lib/connect-scanner.ts).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "record.h"

namespace portscan {

struct ConnectLoopOptions {
  uint32_t window = 1000;           // most connect() attempts in flight at once
  uint32_t flush_interval_ms = 20;  // longest a finished result waits before it is handed over
  uint32_t max_batch = 4096;        // most results in one hand-over
};

class ConnectLoop {
 public:
  /// Called on the loop thread with a batch of finished probes (never empty).
  using Sink = std::function<void(std::vector<ResultRecord>&& batch)>;
  /// Called on the loop thread once if the loop cannot go on; the loop then exits.
  using FailSink = std::function<void(int err, const char* syscall)>;

  ConnectLoop(const ConnectLoopOptions& opts, Sink sink, FailSink fail);
  ~ConnectLoop();
  ConnectLoop(const ConnectLoop&) = delete;
  ConnectLoop& operator=(const ConnectLoop&) = delete;

  /// Creates the epoll set and the wake-up eventfd and starts the thread. On failure returns
  /// false with errno-style `err` and the failing `syscall` filled in.
  bool Start(int* err, const char** syscall);
  /// Copies `count` targets into the loop's queue; the caller may reuse `targets` at once.
  /// `urgent` targets (retries) go ahead of everything queued, so a retry is not delayed by
  /// the backlog of first tries. Thread-safe; may be called from any thread.
  void Submit(const TargetRecord* targets, size_t count, bool urgent);
  /// Drops every probe queued and not yet sent (connect() not called), and returns how many.
  /// Probes in flight go on to their results. Thread-safe; waits for the loop thread to clear
  /// its own queue (one loop turn: the wake-up interrupts its epoll_wait).
  size_t DropQueued();
  /// Idempotent: stops the thread, closes every socket in flight and joins. Results of probes
  /// that were still in flight are dropped; results already handed over are not affected.
  void Stop();

 private:
  struct Slot {
    int fd = -1;
    uint32_t gen = 0;
    uint64_t start_us = 0;
    TargetRecord target{};
  };
  struct Deadline {
    uint64_t at_us;
    uint32_t slot;
    uint32_t gen;
    bool operator>(const Deadline& o) const { return at_us > o.at_us; }
  };

  void Run();
  void RunLoop();
  void DropPending();
  void Launch(const TargetRecord& t, uint64_t now_us);
  void Complete(uint32_t slot_index, int err, ResultKind kind, uint64_t now_us);
  void ExpireDeadlines(uint64_t now_us);
  void Emit(const TargetRecord& t, ResultKind kind, int err, uint32_t rtt_us);
  void Flush(uint64_t now_us);
  int NextWaitMs(uint64_t now_us) const;

  const ConnectLoopOptions opts_;
  Sink sink_;
  FailSink fail_;

  std::mutex queue_mutex_;
  std::vector<TargetRecord> incoming_;         // guarded by queue_mutex_
  std::vector<TargetRecord> incoming_urgent_;  // guarded by queue_mutex_
  std::atomic<bool> stop_{false};
  std::atomic<bool> drop_requested_{false};
  std::mutex drop_mutex_;
  std::condition_variable drop_done_;
  size_t dropped_ = 0;        // guarded by drop_mutex_: what the loop thread dropped
  bool loop_exited_ = false;  // guarded by drop_mutex_
  std::thread thread_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;

  // Loop-thread state only.
  std::deque<TargetRecord> pending_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<Deadline>> deadlines_;
  uint32_t in_flight_ = 0;
  uint32_t window_cap_ = 0;  // lowered when the process runs out of descriptors
  std::vector<ResultRecord> out_;
  uint64_t last_flush_us_ = 0;
};

}  // namespace portscan
