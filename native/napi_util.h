// SPDX-License-Identifier: MIT
// napi_util.h: small helpers at the Node-API boundary: reading options with a usage message
// instead of a crash, and building the { code, syscall, errno, message } errors the TypeScript
// side wraps into ScanError. No scan logic lives here.
#pragma once

#include <napi.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace portscan {

/// Reads a whole-number option from `opts`, or throws a TypeError naming it (returns false).
inline bool GetUint32Option(const Napi::Object& opts, const char* name, uint32_t* out) {
  Napi::Value v = opts.Get(name);
  if (!v.IsNumber()) {
    Napi::TypeError::New(opts.Env(), std::string("option '") + name + "' must be a number")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = v.As<Napi::Number>().Uint32Value();
  return true;
}

/// An Error object carrying the errno name as `code`, the failing call as `syscall`.
inline Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall) {
  const char* name = strerrorname_np(err);
  Napi::Error e = Napi::Error::New(env, std::string(syscall) + ": " + std::strerror(err));
  e.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.Set("errno", Napi::Number::New(env, err));
  return e;
}

}  // namespace portscan
