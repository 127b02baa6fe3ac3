// SPDX-License-Identifier: MIT
// engine_syn.h: SynEngine, the JavaScript object over SynLoop: it reads the plan (packed
// intervals, ports) and options, starts the loop, and carries result batches and counters to
// JavaScript through one thread-safe function. Cheap argument checks only; TypeScript validates.
#pragma once

#include <napi.h>

#include <memory>

#include "engine_lifecycle.h"
#include "syn_loop.h"

namespace portscan {

class SynEngine : public Napi::ObjectWrap<SynEngine> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit SynEngine(const Napi::CallbackInfo& info);
  ~SynEngine() override;

 private:
  Napi::Value SetRate(const Napi::CallbackInfo& info);
  Napi::Value Debit(const Napi::CallbackInfo& info);
  Napi::Value SetTimeout(const Napi::CallbackInfo& info);
  Napi::Value SetRetries(const Napi::CallbackInfo& info);
  Napi::Value Drain(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  std::unique_ptr<SynLoop> loop_;
  // Last, so it is destroyed first: its shutdown stops the loop above.
  EngineLifecycle life_{[this] {
    if (loop_) loop_->Stop();
  }};
};

/// pcapError(): null when libpcap can be loaded, else why not (for --mode auto).
Napi::Value PcapError(const Napi::CallbackInfo& info);

}  // namespace portscan
