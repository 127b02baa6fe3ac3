// SPDX-License-Identifier: MIT
// rx_pcap.cc: libpcap through dlopen (see rx_pcap.h). The declarations below match libpcap's
// public ABI (pcap/pcap.h, pcap/bpf.h), which has been stable since libpcap 1.0; immediate mode
// needs 1.5 (2013).
#include "rx_pcap.h"

#include <dlfcn.h>
#include <sys/time.h>

#include <cstring>

namespace portscan {
namespace {

struct PcapPkthdr {
  timeval ts;
  uint32_t caplen;
  uint32_t len;
};
struct BpfProgram {
  unsigned int bf_len;
  void* bf_insns;
};
struct PcapStat {
  unsigned int ps_recv;
  unsigned int ps_drop;
  unsigned int ps_ifdrop;
};
using PcapHandler = void (*)(unsigned char* user, const PcapPkthdr* h, const unsigned char* bytes);
constexpr int kPcapErrbufSize = 256;
constexpr uint32_t kNetmaskUnknown = 0xffffffff;
constexpr int kTimeoutMs = 5;  // longest a captured frame waits in a part-filled block

const char* const kLibNames[] = {"libpcap.so.1", "libpcap.so.0.8", "libpcap.so"};

}  // namespace

struct PcapCapture::Api {
  void* (*create)(const char*, char*);
  int (*set_snaplen)(void*, int);
  int (*set_immediate_mode)(void*, int);
  int (*set_buffer_size)(void*, int);
  int (*set_timeout)(void*, int);
  int (*activate)(void*);
  int (*compile)(void*, BpfProgram*, const char*, int, uint32_t);
  int (*setfilter)(void*, BpfProgram*);
  void (*freecode)(BpfProgram*);
  int (*setnonblock)(void*, int, char*);
  int (*get_selectable_fd)(void*);
  int (*datalink)(void*);
  int (*dispatch)(void*, int, PcapHandler, unsigned char*);
  int (*stats)(void*, PcapStat*);
  char* (*geterr)(void*);
  void (*close)(void*);
};

namespace {

void* LoadLib(std::string* error) {
  std::string why;
  for (const char* name : kLibNames) {
    void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) return lib;
    const char* e = dlerror();
    why = e != nullptr ? e : name;
  }
  *error = why;
  return nullptr;
}

template <typename Fn>
bool Bind(void* lib, const char* name, Fn* out) {
  *out = reinterpret_cast<Fn>(dlsym(lib, name));
  return *out != nullptr;
}

}  // namespace

bool PcapAvailable(std::string* error) {
  // Left loaded on purpose: the engine's dlopen is then only a reference count, not ~5 ms of
  // loading libpcap and its dependencies again at the start of every scan.
  return LoadLib(error) != nullptr;
}

PcapCapture::PcapCapture() = default;
PcapCapture::~PcapCapture() { Close(); }

bool PcapCapture::Open(const std::string& device, const std::string& filter, int snaplen, int buffer_bytes,
                       bool immediate, std::string* code, std::string* error) {
  std::string why;
  lib_ = LoadLib(&why);
  if (lib_ == nullptr) {
    *code = "ENOPCAP";
    *error = "libpcap could not be loaded (" + why + ")";
    return false;
  }
  auto bound = std::make_unique<Api>();
  Api& api = *bound;
  bool ok = Bind(lib_, "pcap_create", &api.create) && Bind(lib_, "pcap_set_snaplen", &api.set_snaplen) &&
            Bind(lib_, "pcap_set_immediate_mode", &api.set_immediate_mode) &&
            Bind(lib_, "pcap_set_buffer_size", &api.set_buffer_size) &&
            Bind(lib_, "pcap_set_timeout", &api.set_timeout) && Bind(lib_, "pcap_activate", &api.activate) &&
            Bind(lib_, "pcap_compile", &api.compile) && Bind(lib_, "pcap_setfilter", &api.setfilter) &&
            Bind(lib_, "pcap_freecode", &api.freecode) && Bind(lib_, "pcap_setnonblock", &api.setnonblock) &&
            Bind(lib_, "pcap_get_selectable_fd", &api.get_selectable_fd) &&
            Bind(lib_, "pcap_datalink", &api.datalink) && Bind(lib_, "pcap_dispatch", &api.dispatch) &&
            Bind(lib_, "pcap_stats", &api.stats) && Bind(lib_, "pcap_geterr", &api.geterr) &&
            Bind(lib_, "pcap_close", &api.close);
  if (!ok) {
    *code = "ENOPCAP";
    *error = "libpcap is too old (needs 1.5 or later for immediate mode)";
    return false;
  }
  api_ = std::move(bound);
  char errbuf[kPcapErrbufSize] = {};
  handle_ = api_->create(device.c_str(), errbuf);
  if (handle_ == nullptr) {
    *code = "EPCAP";
    *error = std::string("pcap_create(") + device + "): " + errbuf;
    return false;
  }
  api_->set_snaplen(handle_, snaplen);
  // Not immediate mode: with TPACKET_V3 the kernel fills whole blocks and wakes us once per
  // block or per timeout, instead of once per frame. At 200k replies/s the per-frame wake-ups
  // cost more CPU (about a quarter of a core, measured) than everything else on the receive
  // side; the price is up to kTimeoutMs of extra latency, which only lengthens measured RTTs.
  api_->set_immediate_mode(handle_, immediate ? 1 : 0);
  api_->set_buffer_size(handle_, buffer_bytes);
  api_->set_timeout(handle_, kTimeoutMs);
  const int rc = api_->activate(handle_);
  if (rc < 0) {
    // PCAP_ERROR_PERM_DENIED is -8.
    *code = rc == -8 ? "EPERM" : "EPCAP";
    *error = std::string("pcap_activate(") + device + "): " + api_->geterr(handle_);
    Close();
    return false;
  }
  BpfProgram prog{};
  if (api_->compile(handle_, &prog, filter.c_str(), 1, kNetmaskUnknown) != 0 || api_->setfilter(handle_, &prog) != 0) {
    *code = "EPCAP";
    *error = std::string("BPF filter '") + filter + "': " + api_->geterr(handle_);
    api_->freecode(&prog);
    Close();
    return false;
  }
  api_->freecode(&prog);
  api_->setnonblock(handle_, 1, errbuf);
  fd_ = api_->get_selectable_fd(handle_);
  link_type_ = api_->datalink(handle_);
  return true;
}

int PcapCapture::Dispatch(int max, const FrameFn& fn) {
  if (handle_ == nullptr) return -1;
  auto trampoline = [](unsigned char* user, const PcapPkthdr* h, const unsigned char* bytes) {
    (*reinterpret_cast<const FrameFn*>(user))(bytes, h->caplen);
  };
  return api_->dispatch(handle_, max, trampoline, reinterpret_cast<unsigned char*>(const_cast<FrameFn*>(&fn)));
}

std::string PcapCapture::LastError() {
  if (handle_ == nullptr || !api_) return "capture closed";
  return api_->geterr(handle_);
}

uint64_t PcapCapture::Drops() {
  if (handle_ == nullptr) return 0;
  PcapStat st{};
  if (api_->stats(handle_, &st) != 0) return 0;
  return static_cast<uint64_t>(st.ps_drop) + st.ps_ifdrop;
}

void PcapCapture::Close() {
  if (handle_ != nullptr && api_) api_->close(handle_);
  handle_ = nullptr;
  fd_ = -1;
  api_.reset();
  if (lib_ != nullptr) dlclose(lib_);
  lib_ = nullptr;
}

}  // namespace portscan
