// SPDX-License-Identifier: MIT
// engine_lifecycle.h: what the engine objects (ConnectEngine, SynEngine) share about their life:
// the one thread-safe function that carries batches to JavaScript (it keeps the process alive
// while the engine is open), and a shutdown that runs exactly once, from close(), the
// destructor, or the environment's cleanup hook (process exit, worker end): it stops the
// engine's threads (the `stop` callback) and then releases the function, so no batch can arrive
// after it.
#pragma once

#include <napi.h>

#include <functional>
#include <utility>

namespace portscan {

class EngineLifecycle {
 public:
  explicit EngineLifecycle(std::function<void()> stop) : stop_(std::move(stop)) {}
  ~EngineLifecycle() {
    if (env_ != nullptr) napi_remove_env_cleanup_hook(env_, CleanupHook, this);
    Shutdown();
  }
  EngineLifecycle(const EngineLifecycle&) = delete;
  EngineLifecycle& operator=(const EngineLifecycle&) = delete;

  /// Creates the thread-safe function (unlimited queue, one thread) that calls `callback`.
  Napi::ThreadSafeFunction Open(Napi::Env env, const Napi::Function& callback, const char* name) {
    tsfn_ = Napi::ThreadSafeFunction::New(env, callback, name, 0, 1);
    return tsfn_;
  }
  /// Once the engine has started: shut down with the environment if not closed before.
  void Arm(Napi::Env env) {
    env_ = env;
    napi_add_env_cleanup_hook(env_, CleanupHook, this);
  }
  /// Stops the threads, then releases the function. Idempotent.
  void Shutdown() {
    if (closed_) return;
    closed_ = true;
    stop_();
    tsfn_.Release();
  }
  bool Closed() const { return closed_; }

 private:
  static void CleanupHook(void* arg) {
    auto* self = static_cast<EngineLifecycle*>(arg);
    self->env_ = nullptr;  // the hook is spent: the destructor must not remove it
    self->Shutdown();
  }

  std::function<void()> stop_;
  Napi::ThreadSafeFunction tsfn_;
  napi_env env_ = nullptr;
  bool closed_ = false;
};

}  // namespace portscan
