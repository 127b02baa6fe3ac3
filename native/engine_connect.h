// SPDX-License-Identifier: MIT
// engine_connect.h: ConnectEngine, the JavaScript object over ConnectLoop. It owns the loop and
// the one thread-safe function that carries result batches to JavaScript. It validates its
// arguments cheaply and never crashes on misuse; the real checks are in TypeScript.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "connect_loop.h"
#include "engine_lifecycle.h"

namespace portscan {

class ConnectEngine : public Napi::ObjectWrap<ConnectEngine> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ConnectEngine(const Napi::CallbackInfo& info);
  ~ConnectEngine() override;

 private:
  Napi::Value Submit(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value DropQueued(const Napi::CallbackInfo& info);

  std::vector<std::unique_ptr<ConnectLoop>> loops_;  // one thread each; targets split evenly
  // Last, so it is destroyed first: its shutdown stops the loops above.
  EngineLifecycle life_{[this] {
    for (auto& loop : loops_) loop->Stop();
  }};
};

}  // namespace portscan
