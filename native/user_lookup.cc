// SPDX-License-Identifier: MIT
// user_lookup.cc: lookupUser() (see user_lookup.h): one passwd entry by name or by uid.
#include "user_lookup.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "napi_util.h"

namespace portscan {
namespace {

constexpr size_t kMaxBufferBytes = 1u << 20;  // getpw*_r asks for more on ERANGE; stop somewhere

// 0 with *found set when the lookup ran (found or not); an errno otherwise.
int Lookup(const Napi::Value& key, passwd* pw, std::vector<char>* buf, passwd** found) {
  const long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
  buf->resize(hint > 0 ? static_cast<size_t>(hint) : 1024);
  for (;;) {
    int err = 0;
    if (key.IsNumber()) {
      const uid_t uid = static_cast<uid_t>(key.As<Napi::Number>().Uint32Value());
      err = getpwuid_r(uid, pw, buf->data(), buf->size(), found);
    } else {
      const std::string name = key.As<Napi::String>().Utf8Value();
      err = getpwnam_r(name.c_str(), pw, buf->data(), buf->size(), found);
    }
    if (err != ERANGE || buf->size() >= kMaxBufferBytes) return err;
    buf->resize(buf->size() * 2);
  }
}

}  // namespace

Napi::Value LookupUserJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const bool by_uid = info.Length() == 1 && info[0].IsNumber() && info[0].As<Napi::Number>().DoubleValue() >= 0 &&
                      info[0].As<Napi::Number>().DoubleValue() <= 4294967294.0;
  if (!by_uid && !(info.Length() == 1 && info[0].IsString())) {
    Napi::TypeError::New(env, "Usage: lookupUser(name: string | uid: number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf;
  const int err = Lookup(info[0], &pw, &buf, &found);
  // POSIX lets "not found" be reported as 0 with no entry, or as one of these errors.
  if (found == nullptr && (err == 0 || err == ENOENT || err == ESRCH || err == EBADF || err == EPERM)) {
    return env.Null();
  }
  if (err != 0 || found == nullptr) {
    ErrnoError(env, err != 0 ? err : EIO, by_uid ? "getpwuid_r" : "getpwnam_r").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", Napi::String::New(env, pw.pw_name));
  o.Set("uid", Napi::Number::New(env, pw.pw_uid));
  o.Set("gid", Napi::Number::New(env, pw.pw_gid));
  return o;
}

}  // namespace portscan
