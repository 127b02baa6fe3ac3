// SPDX-License-Identifier: MIT
// engine_connect.cc: ConnectEngine glue (see engine_connect.h). Results reach JavaScript as one
// callback per batch, (null, records: Buffer, count), copied on the JS thread; a loop failure
// arrives as (error, null, 0). The thread-safe function is non-blocking with an unbounded queue,
// so the loop thread never waits on JavaScript and close() can join it without deadlock.
#include "engine_connect.h"

#include <algorithm>
#include <vector>

#include "napi_util.h"

namespace portscan {
namespace {

struct Delivery {
  std::vector<ResultRecord> batch;
  int err = 0;
  const char* syscall = nullptr;
};

void CallJs(Napi::Env env, Napi::Function callback, Delivery* d) {
  if (env != nullptr && callback != nullptr) {
    if (d->syscall != nullptr) {
      callback.Call({ErrnoError(env, d->err, d->syscall).Value(), env.Null(), Napi::Number::New(env, 0)});
    } else {
      const size_t bytes = d->batch.size() * sizeof(ResultRecord);
      auto buf = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(d->batch.data()), bytes);
      callback.Call({env.Null(), buf, Napi::Number::New(env, static_cast<double>(d->batch.size()))});
    }
  }
  delete d;
}

}  // namespace

Napi::Function ConnectEngine::Define(Napi::Env env) {
  return DefineClass(env, "ConnectEngine",
                     {InstanceMethod<&ConnectEngine::Submit>("submit"), InstanceMethod<&ConnectEngine::Close>("close"),
                      InstanceMethod<&ConnectEngine::DropQueued>("dropQueued")});
}

ConnectEngine::ConnectEngine(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ConnectEngine>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
    Napi::TypeError::New(env, "Usage: new ConnectEngine({ window, flushIntervalMs, maxBatch, threads }, onBatch)")
        .ThrowAsJavaScriptException();
    return;
  }
  Napi::Object opts = info[0].As<Napi::Object>();
  ConnectLoopOptions o;
  uint32_t threads = 1;
  if (!GetUint32Option(opts, "window", &o.window) || !GetUint32Option(opts, "flushIntervalMs", &o.flush_interval_ms) ||
      !GetUint32Option(opts, "maxBatch", &o.max_batch) || !GetUint32Option(opts, "threads", &threads)) {
    return;
  }
  if (o.window == 0 || o.max_batch == 0 || threads == 0 || threads > 64) {
    Napi::RangeError::New(env, "window and maxBatch must be at least 1, threads 1 to 64").ThrowAsJavaScriptException();
    return;
  }
  threads = std::min(threads, o.window);
  Napi::ThreadSafeFunction tsfn = life_.Open(env, info[1].As<Napi::Function>(), "portscan:connect-batch");
  const uint32_t total_window = o.window;
  for (uint32_t k = 0; k < threads; ++k) {
    ConnectLoopOptions per = o;
    per.window = total_window / threads + (k < total_window % threads ? 1 : 0);
    loops_.push_back(std::make_unique<ConnectLoop>(
        per,
        [tsfn](std::vector<ResultRecord>&& batch) mutable {
          auto* d = new Delivery{std::move(batch), 0, nullptr};
          if (tsfn.NonBlockingCall(d, CallJs) != napi_ok) delete d;
        },
        [tsfn](int err, const char* syscall) mutable {
          auto* d = new Delivery{{}, err, syscall};
          if (tsfn.NonBlockingCall(d, CallJs) != napi_ok) delete d;
        }));
  }
  for (auto& loop : loops_) {
    int err = 0;
    const char* syscall = nullptr;
    if (!loop->Start(&err, &syscall)) {
      life_.Shutdown();
      ErrnoError(env, err, syscall).ThrowAsJavaScriptException();
      return;
    }
  }
  life_.Arm(env);
}

ConnectEngine::~ConnectEngine() = default;

Napi::Value ConnectEngine::Submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "Usage: engine.submit(targets: Uint8Array, count: number, urgent?: boolean)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (life_.Closed()) {
    Napi::Error::New(env, "engine is closed").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto arr = info[0].As<Napi::TypedArray>();
  const size_t count = info[1].As<Napi::Number>().Uint32Value();
  if (arr.TypedArrayType() != napi_uint8_array || count * sizeof(TargetRecord) > arr.ByteLength()) {
    Napi::RangeError::New(env, "targets must be a Uint8Array of at least count * LAYOUT.target.size bytes")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto u8 = arr.As<Napi::Uint8Array>();
  const bool urgent = info.Length() > 2 && info[2].ToBoolean().Value();
  // Split evenly across the loops (each copies its share).
  const auto* targets = reinterpret_cast<const TargetRecord*>(u8.Data());
  const size_t n = loops_.size();
  size_t offset = 0;
  for (size_t k = 0; k < n; ++k) {
    const size_t share = count / n + (k < count % n ? 1 : 0);
    if (share > 0) loops_[k]->Submit(targets + offset, share, urgent);
    offset += share;
  }
  return env.Undefined();
}

// Drops the probes queued in every loop and not yet sent; returns how many (0 once closed).
Napi::Value ConnectEngine::DropQueued(const Napi::CallbackInfo& info) {
  size_t n = 0;
  if (!life_.Closed()) {
    for (auto& loop : loops_) n += loop->DropQueued();
  }
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}

Napi::Value ConnectEngine::Close(const Napi::CallbackInfo& info) {
  life_.Shutdown();
  return info.Env().Undefined();
}

}  // namespace portscan
