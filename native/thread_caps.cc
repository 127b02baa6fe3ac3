// SPDX-License-Identifier: MIT
// thread_caps.cc: see thread_caps.h. The capset system call directly (no libcap).
#include "thread_caps.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "napi_util.h"

namespace portscan {

int DropThreadCapabilities() {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;  // this thread
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return errno;
  bool held = false;
  for (const auto& d : data) held = held || d.effective != 0 || d.permitted != 0 || d.inheritable != 0;
  if (!held) return 0;
  __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
  return syscall(SYS_capset, &header, none) == 0 ? 0 : errno;
}

void DropEngineThreadCapabilities() {
  // Best effort: a thread that cannot drop keeps what it has; the JS thread's drop is checked.
  if (geteuid() != 0) DropThreadCapabilities();
}

Napi::Value DropCapabilitiesJs(const Napi::CallbackInfo& info) {
  const int err = DropThreadCapabilities();
  if (err != 0) ErrnoError(info.Env(), err, "capset").ThrowAsJavaScriptException();
  return info.Env().Undefined();
}

}  // namespace portscan
