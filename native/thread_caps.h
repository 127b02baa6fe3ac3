// SPDX-License-Identifier: MIT
// thread_caps.h: a thread giving up its capabilities (capset on itself: Linux capabilities
// belong to threads). For a process that is not root and holds file capabilities (CAP_NET_RAW on
// a dedicated copy of node): its engine threads need none once the sockets and the capture are
// open, since those were opened on the JS thread before the threads start. A root process is
// left to lib/cli/privdrop.ts's setuid, which clears every thread's capabilities at once: a
// thread without CAP_SETUID would make that setuid fail in it.
#pragma once

#include <napi.h>

namespace portscan {

/// Clears the calling thread's effective, permitted and inheritable sets. 0, or an errno.
int DropThreadCapabilities();

/// At the start of an engine thread: drops its capabilities unless the process's euid is 0.
void DropEngineThreadCapabilities();

/// dropCapabilities(): DropThreadCapabilities() on the calling (JS) thread; throws an Error with
/// code and syscall 'capset' when it fails.
Napi::Value DropCapabilitiesJs(const Napi::CallbackInfo& info);

}  // namespace portscan
