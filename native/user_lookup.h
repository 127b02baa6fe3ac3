// SPDX-License-Identifier: MIT
// user_lookup.h: the user database for TypeScript's privilege policy (lib/cli/privdrop.ts: whom a
// root scan becomes). Mechanism only: what to drop and when is decided in TypeScript.
#pragma once

#include <napi.h>

namespace portscan {

/// lookupUser(nameOrUid: string | number) -> { name, uid, gid } | null, through getpwnam_r or
/// getpwuid_r (so NSS sources are honoured); null when there is no such user; throws an Error
/// with code (errno name) when the lookup itself fails.
Napi::Value LookupUserJs(const Napi::CallbackInfo& info);

}  // namespace portscan
