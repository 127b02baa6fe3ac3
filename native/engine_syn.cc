// SPDX-License-Identifier: MIT
// engine_syn.cc: SynEngine glue (see engine_syn.h). Each batch reaches JavaScript as one call,
// onBatch(null, { records, count, stats, done, thread, mark, maxPosition }), built on the JS
// thread once per batch: records is a copy of the ResultRecords, stats the engine's counters by
// name (SynStats; sendPhaseUs is 0 until the last thread is done), thread and mark the resume
// point of the transmit thread that sent the batch (SynTx::Mark), maxPosition the highest plan
// position among its results. A failure arrives as onBatch(error with code, null). The shape is
// lib/native/types.ts's SynBatch.
#include "engine_syn.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "napi_util.h"

namespace portscan {
namespace {

struct SynDelivery {
  std::vector<ResultRecord> batch;
  SynStats stats;
  bool done = false;
  uint32_t thread = 0;
  uint64_t mark = 0;
  uint64_t max_position = 0;
  std::string code;  // set on failure
  std::string message;
};

Napi::Object StatsObject(Napi::Env env, const SynStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("sent", Napi::Number::New(env, double(s.sent)));
  o.Set("replies", Napi::Number::New(env, double(s.replies)));
  o.Set("duplicates", Napi::Number::New(env, double(s.duplicates)));
  o.Set("late", Napi::Number::New(env, double(s.late)));
  o.Set("pcapDrops", Napi::Number::New(env, double(s.pcap_drops)));
  o.Set("inFlight", Napi::Number::New(env, double(s.in_flight)));
  o.Set("sentinels", Napi::Number::New(env, double(s.sentinels)));
  o.Set("sendPhaseUs", Napi::Number::New(env, double(s.send_phase_us)));
  return o;
}

Napi::Object BatchObject(Napi::Env env, const SynDelivery& d) {
  const size_t bytes = d.batch.size() * sizeof(ResultRecord);
  Napi::Object o = Napi::Object::New(env);
  o.Set("records", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(d.batch.data()), bytes));
  o.Set("count", Napi::Number::New(env, double(d.batch.size())));
  o.Set("stats", StatsObject(env, d.stats));
  o.Set("done", Napi::Boolean::New(env, d.done));
  o.Set("thread", Napi::Number::New(env, d.thread));
  o.Set("mark", Napi::Number::New(env, double(d.mark)));
  o.Set("maxPosition", Napi::Number::New(env, double(d.max_position)));
  return o;
}

void CallJs(Napi::Env env, Napi::Function callback, SynDelivery* d) {
  if (env != nullptr && callback != nullptr) {
    if (!d->code.empty()) {
      Napi::Error e = Napi::Error::New(env, d->message);
      e.Set("code", Napi::String::New(env, d->code));
      callback.Call({e.Value(), env.Null()});
    } else {
      callback.Call({env.Null(), BatchObject(env, *d)});
    }
  }
  delete d;
}

bool CopyBytes(const Napi::Object& opts, const char* name, uint8_t* out, size_t len, bool* present) {
  Napi::Value v = opts.Get(name);
  *present = false;
  if (v.IsUndefined() || v.IsNull()) return true;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      v.As<Napi::Uint8Array>().ByteLength() != len) {
    Napi::TypeError::New(opts.Env(),
                         std::string("option '") + name + "' must be a Uint8Array of " + std::to_string(len) + " bytes")
        .ThrowAsJavaScriptException();
    return false;
  }
  std::memcpy(out, v.As<Napi::Uint8Array>().Data(), len);
  *present = true;
  return true;
}

// Optional { ifindex, srcMac: Uint8Array(6), dstMac: Uint8Array(6) }: send that family's probes
// as Ethernet frames out of that interface.
bool GetLinkPath(const Napi::Object& opts, const char* name, LinkPath* out) {
  Napi::Value v = opts.Get(name);
  if (v.IsUndefined() || v.IsNull()) return true;
  bool src = false, dst = false;
  if (v.IsObject() && v.As<Napi::Object>().Get("ifindex").IsNumber() &&
      CopyBytes(v.As<Napi::Object>(), "srcMac", out->src_mac, 6, &src) &&
      CopyBytes(v.As<Napi::Object>(), "dstMac", out->dst_mac, 6, &dst) && src && dst) {
    out->ifindex = v.As<Napi::Object>().Get("ifindex").As<Napi::Number>().Int32Value();
    out->use = out->ifindex > 0;
    if (out->use) return true;
  }
  if (!opts.Env().IsExceptionPending()) {
    Napi::TypeError::New(opts.Env(),
                         std::string("option '") + name + "' must be { ifindex > 0, srcMac, dstMac: Uint8Array(6) }")
        .ThrowAsJavaScriptException();
  }
  return false;
}

}  // namespace

Napi::Value PcapError(const Napi::CallbackInfo& info) {
  std::string error;
  if (PcapAvailable(&error)) return info.Env().Null();
  return Napi::String::New(info.Env(), error);
}

Napi::Function SynEngine::Define(Napi::Env env) {
  return DefineClass(
      env, "SynEngine",
      {InstanceMethod<&SynEngine::SetRate>("setRate"), InstanceMethod<&SynEngine::Debit>("debit"),
       InstanceMethod<&SynEngine::SetTimeout>("setTimeout"), InstanceMethod<&SynEngine::SetRetries>("setRetries"),
       InstanceMethod<&SynEngine::Drain>("drain"), InstanceMethod<&SynEngine::Close>("close")});
}

SynEngine::SynEngine(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SynEngine>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsObject() || !info[1].IsTypedArray() || !info[2].IsTypedArray() ||
      !info[3].IsFunction()) {
    Napi::TypeError::New(env, "Usage: new SynEngine(options, intervals: Uint8Array, ports: Uint16Array, onBatch)")
        .ThrowAsJavaScriptException();
    return;
  }
  Napi::Object opts = info[0].As<Napi::Object>();
  auto intervals = info[1].As<Napi::TypedArray>();
  auto ports = info[2].As<Napi::TypedArray>();
  if (intervals.TypedArrayType() != napi_uint8_array || intervals.ByteLength() % sizeof(PlanInterval) != 0 ||
      ports.TypedArrayType() != napi_uint16_array) {
    Napi::TypeError::New(
        env, "intervals must be a Uint8Array of whole records (LAYOUT.interval.size bytes), ports a Uint16Array")
        .ThrowAsJavaScriptException();
    return;
  }
  SynPlan plan;
  const char* plan_error = nullptr;
  if (!plan.Init(reinterpret_cast<const PlanInterval*>(intervals.As<Napi::Uint8Array>().Data()),
                 intervals.ByteLength() / sizeof(PlanInterval), ports.As<Napi::Uint16Array>().Data(),
                 ports.ElementLength(), &plan_error)) {
    Napi::RangeError::New(env, plan_error).ThrowAsJavaScriptException();
    return;
  }
  SynLoopOptions o;
  uint32_t src_port = 0, retries = 0;
  bool have_key = false;
  if (!GetUint32Option(opts, "srcPort", &src_port) || !GetUint32Option(opts, "ratePps", &o.rate_pps) ||
      !GetUint32Option(opts, "timeoutMs", &o.timeout_ms) || !GetUint32Option(opts, "waitMs", &o.wait_ms) ||
      !GetUint32Option(opts, "retries", &retries) || !GetUint32Option(opts, "flushIntervalMs", &o.flush_interval_ms) ||
      !GetUint32Option(opts, "maxBatch", &o.max_batch) || !GetUint32Option(opts, "threads", &o.threads) ||
      !CopyBytes(opts, "cookieKey", o.cookie_key, 16, &have_key) ||
      !CopyBytes(opts, "srcV4", o.src_v4_n, 4, &o.has_v4) || !CopyBytes(opts, "srcV6", o.src_v6_n, 16, &o.has_v6)) {
    return;
  }
  // Try k comes from srcPort + k, sentinels from srcPort + retries + 1.
  if (!have_key || src_port == 0 || src_port > 65535 || retries > 255 || src_port + retries + 1 > 65535 ||
      !opts.Get("device").IsString() || !opts.Get("seed").IsBigInt() || !opts.Get("startIndex").IsNumber() ||
      !opts.Get("endIndex").IsNumber()) {
    Napi::TypeError::New(env,
                         "SynEngine needs cookieKey, srcPort 1-65535 (srcPort + retries < 65535), retries <= 255, "
                         "device, seed (bigint), "
                         "startIndex and endIndex")
        .ThrowAsJavaScriptException();
    return;
  }
  bool lossless = false;
  o.seed = opts.Get("seed").As<Napi::BigInt>().Uint64Value(&lossless);
  o.start_index = static_cast<uint64_t>(opts.Get("startIndex").As<Napi::Number>().Int64Value());
  o.end_index =
      std::min<uint64_t>(static_cast<uint64_t>(opts.Get("endIndex").As<Napi::Number>().Int64Value()), plan.Size());
  o.src_port_h = static_cast<uint16_t>(src_port);
  o.retries = static_cast<uint8_t>(retries);
  o.device = opts.Get("device").As<Napi::String>().Utf8Value();
  o.adaptive_wait = opts.Get("adaptiveWait").ToBoolean().Value();
  o.auto_retries = opts.Get("autoRetries").ToBoolean().Value();
  o.threads = std::clamp<uint32_t>(o.threads, 1, kMaxSynThreads);  // every share of the order needs its thread
  if (!GetLinkPath(opts, "linkV4", &o.link_v4) || !GetLinkPath(opts, "linkV6", &o.link_v6)) return;
  if ((plan.HasFamily(kFamilyV4) && !o.has_v4) || (plan.HasFamily(kFamilyV6) && !o.has_v6)) {
    Napi::TypeError::New(env, "the plan has a family with no source address (srcV4 / srcV6)")
        .ThrowAsJavaScriptException();
    return;
  }
  Napi::ThreadSafeFunction tsfn = life_.Open(env, info[3].As<Napi::Function>(), "portscan:syn-batch");
  loop_ = std::make_unique<SynLoop>(
      std::move(plan), o,
      [tsfn](std::vector<ResultRecord>&& batch, const SynStats& stats, bool done, uint32_t thread, uint64_t mark,
             uint64_t max_position) mutable {
        auto* d = new SynDelivery{std::move(batch), stats, done, thread, mark, max_position, {}, {}};
        if (tsfn.NonBlockingCall(d, CallJs) != napi_ok) delete d;
      },
      [tsfn](const std::string& code, const std::string& message) mutable {
        auto* d = new SynDelivery{{}, {}, true, 0, 0, 0, code, message};
        if (tsfn.NonBlockingCall(d, CallJs) != napi_ok) delete d;
      });
  std::string code, message;
  if (!loop_->Start(&code, &message)) {
    life_.Shutdown();
    Napi::Error e = Napi::Error::New(env, message);
    e.Set("code", Napi::String::New(env, code));
    e.ThrowAsJavaScriptException();
    return;
  }
  life_.Arm(env);
}

SynEngine::~SynEngine() = default;

Napi::Value SynEngine::SetRate(const Napi::CallbackInfo& info) {
  if (!life_.Closed() && info.Length() > 0 && info[0].IsNumber())
    loop_->SetRate(info[0].As<Napi::Number>().Uint32Value());
  return info.Env().Undefined();
}

Napi::Value SynEngine::Debit(const Napi::CallbackInfo& info) {
  if (!life_.Closed() && info.Length() > 0 && info[0].IsNumber())
    loop_->Debit(info[0].As<Napi::Number>().Uint32Value());
  return info.Env().Undefined();
}

Napi::Value SynEngine::SetTimeout(const Napi::CallbackInfo& info) {
  if (life_.Closed() || info.Length() == 0 || !info[0].IsNumber()) return info.Env().Undefined();
  const uint32_t timeout_ms = info[0].As<Napi::Number>().Uint32Value();
  const uint32_t last_try_ms =
      info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : timeout_ms;
  loop_->SetTimeout(timeout_ms, last_try_ms);
  return info.Env().Undefined();
}

Napi::Value SynEngine::SetRetries(const Napi::CallbackInfo& info) {
  if (!life_.Closed() && info.Length() > 0 && info[0].IsNumber())
    loop_->SetRetries(info[0].As<Napi::Number>().Uint32Value());
  return info.Env().Undefined();
}

Napi::Value SynEngine::Drain(const Napi::CallbackInfo& info) {
  if (!life_.Closed()) loop_->Drain();
  return info.Env().Undefined();
}

Napi::Value SynEngine::Close(const Napi::CallbackInfo& info) {
  life_.Shutdown();
  return info.Env().Undefined();
}

}  // namespace portscan
