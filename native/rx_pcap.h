// SPDX-License-Identifier: MIT
// rx_pcap.h: packet capture for Stealth mode through libpcap, loaded with dlopen when a capture
// is opened (masscan's stub-pcap idea), so a machine without libpcap still loads the addon and
// runs connect mode; only opening a capture fails, with a message that says how to fix it.
// Declares the few libpcap types it needs itself, so building needs no libpcap headers.
// It captures and hands over raw frames; parsing is pkt_parse, validation is the SYN engine's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace portscan {

class PcapCapture {
 public:
  /// Called per captured frame with its link-layer bytes and captured length. libpcap's capture
  /// time is not passed on (the SYN receive thread stamps replies itself, with SynNowUs).
  using FrameFn = std::function<void(const uint8_t* frame, size_t caplen)>;

  PcapCapture();
  ~PcapCapture();
  PcapCapture(const PcapCapture&) = delete;
  PcapCapture& operator=(const PcapCapture&) = delete;

  /// Opens a live capture on `device` ("lo", "s0", "any") with a `buffer_bytes` kernel ring,
  /// `snaplen` bytes per frame and the BPF `filter` compiled in the kernel, non-blocking.
  /// `immediate`: deliver each frame at once (else in blocks, within a few ms). On failure returns false with `error`
  /// set (code: "ENOPCAP" when libpcap cannot be loaded, "EPERM" without capture rights, "EPCAP" otherwise).
  bool Open(const std::string& device, const std::string& filter, int snaplen, int buffer_bytes, bool immediate,
            std::string* code, std::string* error);
  /// A descriptor that polls readable when frames wait (pcap_get_selectable_fd).
  int Fd() const { return fd_; }
  /// The capture's link type (pcap_datalink), for ParseFrame.
  int LinkType() const { return link_type_; }
  /// Hands every waiting frame (at most `max`) to `fn`; returns how many, or -1 on error.
  int Dispatch(int max, const FrameFn& fn);
  /// libpcap's text for the last error (after Dispatch returned -1).
  std::string LastError();
  /// Frames dropped by the kernel or the interface so far (pcap_stats ps_drop + ps_ifdrop).
  uint64_t Drops();
  void Close();

 private:
  void* lib_ = nullptr;     // dlopen handle
  void* handle_ = nullptr;  // pcap_t*
  int fd_ = -1;
  int link_type_ = 0;
  struct Api;
  std::unique_ptr<Api> api_;  // functions bound from lib_
};

/// True if libpcap can be loaded on this machine (dlopen succeeds); `error` says why not.
bool PcapAvailable(std::string* error);

}  // namespace portscan
