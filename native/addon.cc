// SPDX-License-Identifier: MIT
// addon.cc: module initialisation. Registers the engines, and ABI_VERSION and LAYOUT (each shared
// record's size and field offsets, from the compiler) that the loader (lib/native/binding.ts)
// checks against lib/native/records.ts; holds no logic and no mutable globals.
#include <napi.h>
#include <sys/resource.h>

#include <cstddef>
#include <initializer_list>

#include "engine_connect.h"
#include "engine_syn.h"
#include "record.h"
#include "route_binding.h"
#include "syn_plan.h"
#include "thread_caps.h"
#include "user_lookup.h"

namespace portscan {
namespace {

// The process's soft descriptor limit, so TypeScript can size the connect window under it.
Napi::Value GetFdLimit(const Napi::CallbackInfo& info) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return Napi::Number::New(info.Env(), 1024);
  const double soft = rl.rlim_cur == RLIM_INFINITY ? 1048576.0 : static_cast<double>(rl.rlim_cur);
  return Napi::Number::New(info.Env(), soft);
}

// One field of a shared record: its C++ name and its offset, as the compiler lays it out.
struct FieldOffset {
  const char* name;
  size_t offset;
};
#define PORTSCAN_FIELD(type, field) \
  FieldOffset { #field, offsetof(type, field) }

// { size, <field>: offset, ... } for one record.
Napi::Object RecordLayout(Napi::Env env, size_t size, std::initializer_list<FieldOffset> fields) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("size", Napi::Number::New(env, static_cast<double>(size)));
  for (const FieldOffset& f : fields) o.Set(f.name, Napi::Number::New(env, static_cast<double>(f.offset)));
  return o;
}

// { target, result, interval }, as lib/native/records.ts's LAYOUT writes them: every field.
Napi::Object Layout(Napi::Env env) {
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("target", RecordLayout(env, sizeof(TargetRecord),
                                    {PORTSCAN_FIELD(TargetRecord, addr_n), PORTSCAN_FIELD(TargetRecord, port_h),
                                     PORTSCAN_FIELD(TargetRecord, family), PORTSCAN_FIELD(TargetRecord, attempt),
                                     PORTSCAN_FIELD(TargetRecord, timeout_ms)}));
  layout.Set("result",
             RecordLayout(env, sizeof(ResultRecord),
                          {PORTSCAN_FIELD(ResultRecord, addr_n), PORTSCAN_FIELD(ResultRecord, port_h),
                           PORTSCAN_FIELD(ResultRecord, family), PORTSCAN_FIELD(ResultRecord, kind),
                           PORTSCAN_FIELD(ResultRecord, err), PORTSCAN_FIELD(ResultRecord, rtt_us),
                           PORTSCAN_FIELD(ResultRecord, attempt), PORTSCAN_FIELD(ResultRecord, tcp_flags),
                           PORTSCAN_FIELD(ResultRecord, ttl), PORTSCAN_FIELD(ResultRecord, retries_allowed)}));
  layout.Set("interval", RecordLayout(env, sizeof(PlanInterval),
                                      {PORTSCAN_FIELD(PlanInterval, start_n), PORTSCAN_FIELD(PlanInterval, family),
                                       PORTSCAN_FIELD(PlanInterval, reserved), PORTSCAN_FIELD(PlanInterval, count)}));
  return layout;
}

#undef PORTSCAN_FIELD

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("ABI_VERSION", Napi::Number::New(env, kAbiVersion));
  exports.Set("LAYOUT", Layout(env));
  exports.Set("ConnectEngine", ConnectEngine::Define(env));
  exports.Set("SynEngine", SynEngine::Define(env));
  exports.Set("pcapError", Napi::Function::New(env, PcapError, "pcapError"));
  exports.Set("getFdLimit", Napi::Function::New(env, GetFdLimit, "getFdLimit"));
  exports.Set("nextHop", Napi::Function::New(env, NextHopJs, "nextHop"));
  exports.Set("lookupUser", Napi::Function::New(env, LookupUserJs, "lookupUser"));
  exports.Set("dropCapabilities", Napi::Function::New(env, DropCapabilitiesJs, "dropCapabilities"));
  return exports;
}

}  // namespace
}  // namespace portscan

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return portscan::Init(env, exports); }

NODE_API_MODULE(portscan_native, InitModule)
