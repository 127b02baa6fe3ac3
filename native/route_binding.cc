// SPDX-License-Identifier: MIT
// route_binding.cc: the N-API face of netlink_route: converts arguments and the answer, no logic.
#include "route_binding.h"

#include "netlink_route.h"
#include "record.h"

namespace portscan {

Napi::Value NextHopJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t fam = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 0;
  const size_t alen = fam == 6 ? 16 : 4;
  if ((fam != 4 && fam != 6) || info.Length() < 2 || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      info[1].As<Napi::Uint8Array>().ByteLength() != alen) {
    Napi::TypeError::New(env, "Usage: nextHop(family: 4 | 6, address: Uint8Array of 4 or 16 bytes)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const auto bytes = [&info](size_t k, size_t len) -> const uint8_t* {
    if (info.Length() <= k || !info[k].IsTypedArray()) return nullptr;
    auto a = info[k].As<Napi::TypedArray>();
    if (a.TypedArrayType() != napi_uint8_array || (len != 0 && a.ByteLength() != len)) return nullptr;
    return a.As<Napi::Uint8Array>().Data();
  };
  const uint8_t* src = bytes(2, alen);
  const uint8_t* intervals = bytes(3, 0);
  const size_t n_intervals =
      intervals != nullptr ? info[3].As<Napi::Uint8Array>().ByteLength() / sizeof(PlanInterval) : 0;
  NextHop hop;
  std::string error;
  const uint8_t family = fam == 6 ? kFamilyV6 : kFamilyV4;
  if (!LookupNextHop(family, info[1].As<Napi::Uint8Array>().Data(), src,
                     reinterpret_cast<const PlanInterval*>(intervals), n_intervals, &hop, &error)) {
    Napi::Error e = Napi::Error::New(env, error);
    e.Set("code", Napi::String::New(env, "ENOROUTE"));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("ifindex", Napi::Number::New(env, hop.ifindex));
  out.Set("device", Napi::String::New(env, hop.device));
  out.Set("linkType", Napi::Number::New(env, hop.link_type));
  out.Set("deviceMac", Napi::Buffer<uint8_t>::Copy(env, hop.device_mac, 6));
  out.Set("gateway", hop.has_gateway ? Napi::Value(Napi::Buffer<uint8_t>::Copy(env, hop.gateway_n, alen)) : env.Null());
  out.Set("gatewayMac", hop.has_mac ? Napi::Value(Napi::Buffer<uint8_t>::Copy(env, hop.gateway_mac, 6)) : env.Null());
  out.Set("prefixLen", Napi::Number::New(env, hop.prefix_len));
  out.Set("coversPlan", Napi::Boolean::New(env, hop.covers_plan));
  out.Set("overlapping", Napi::Number::New(env, hop.overlapping));
  return out;
}

}  // namespace portscan
