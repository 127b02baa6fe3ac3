// SPDX-License-Identifier: MIT
// route_binding.h: nextHop(family, address) for TypeScript, over netlink_route (see .cc).
#pragma once

#include <napi.h>

namespace portscan {

/// nextHop(family: 4 | 6, address: Uint8Array(4 | 16), source?: Uint8Array | null,
/// intervals?: Uint8Array of 32-byte plan intervals) -> { ifindex, device, linkType,
/// deviceMac: Uint8Array(6), gateway: Uint8Array | null, gatewayMac: Uint8Array(6) | null,
/// prefixLen, coversPlan, overlapping }; throws an Error with code 'ENOROUTE' when there is no
/// route.
Napi::Value NextHopJs(const Napi::CallbackInfo& info);

}  // namespace portscan
