// SPDX-License-Identifier: MIT
// addon.cc: module initialisation. Registers the engines and the layout constants that the
// loader (lib/native/binding.ts) checks; holds no logic and no mutable globals.
#include <napi.h>
#include <sys/resource.h>

#include "engine_connect.h"
#include "engine_syn.h"
#include "record.h"
#include "route_binding.h"

namespace portscan {
namespace {

// The process's soft descriptor limit, so TypeScript can size the connect window under it.
Napi::Value GetFdLimit(const Napi::CallbackInfo& info) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return Napi::Number::New(info.Env(), 1024);
  const double soft = rl.rlim_cur == RLIM_INFINITY ? 1048576.0 : static_cast<double>(rl.rlim_cur);
  return Napi::Number::New(info.Env(), soft);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("ABI_VERSION", Napi::Number::New(env, kAbiVersion));
  exports.Set("TARGET_SIZE", Napi::Number::New(env, sizeof(TargetRecord)));
  exports.Set("RECORD_SIZE", Napi::Number::New(env, sizeof(ResultRecord)));
  exports.Set("ConnectEngine", ConnectEngine::Define(env));
  exports.Set("SynEngine", SynEngine::Define(env));
  exports.Set("pcapError", Napi::Function::New(env, PcapError, "pcapError"));
  exports.Set("getFdLimit", Napi::Function::New(env, GetFdLimit, "getFdLimit"));
  exports.Set("nextHop", Napi::Function::New(env, NextHopJs, "nextHop"));
  return exports;
}

}  // namespace
}  // namespace portscan

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return portscan::Init(env, exports); }

NODE_API_MODULE(portscan_native, InitModule)
