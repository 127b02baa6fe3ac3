// SPDX-License-Identifier: MIT
// make_corpus.cc: writes the seed corpus of the parser fuzzer (native/fuzz/corpus/): valid
// SYN-ACK, RST-ACK and ICMP / ICMPv6 destination-unreachable frames for every link type, IPv4
// and IPv6, each behind its selector byte (fuzz_common.h), with cookies that match under the
// harness's fixed key, plus a few edge cases (IP options, IPv6 extension headers, ARP, an empty
// capture, an unsupported link). The frames come from the independent builders of the unit
// tests (native/test/pkt_test_util). Run by `scripts/fuzz.sh --seeds`; the output is committed.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_common.h"
#include "pkt_bytes.h"
#include "pkt_cookie.h"
#include "pkt_test_util.h"

namespace {

using portscan::test::Addr;
using portscan::test::Bytes;
using portscan::test::Link;
using portscan::test::TcpSpec;

std::string g_dir;
int g_written = 0;

void Write(const std::string& name, int dlt, const Bytes& frame) {
  const int selector = portscan::fuzz::FuzzSelector(dlt);
  if (selector < 0) {
    std::fprintf(stderr, "make_corpus: link type %d has no selector\n", dlt);
    std::exit(1);
  }
  const std::string path = g_dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::perror(path.c_str());
    std::exit(1);
  }
  const uint8_t sel = static_cast<uint8_t>(selector);
  std::fwrite(&sel, 1, 1, f);
  if (!frame.empty()) std::fwrite(frame.data(), 1, frame.size(), f);
  std::fclose(f);
  ++g_written;
}

const char* LinkName(Link l) {
  switch (l) {
    case Link::kEthernet:
      return "eth";
    case Link::kEthernetVlan:
      return "vlan";
    case Link::kLoopback:
      return "lo";
    case Link::kSll:
      return "sll";
    case Link::kSll2:
      return "sll2";
    case Link::kRaw:
      return "raw";
    case Link::kRawIpvN:
      return "rawipvn";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus DIR\n");
    return 2;
  }
  g_dir = argv[1];
  const portscan::CookieKey key = portscan::CookieKeyFromBytes(portscan::fuzz::kFuzzKey);
  const uint16_t sport = 61234, dport = 443;
  for (int fam = 0; fam < 2; ++fam) {
    const Addr us = fam ? portscan::test::V6(0x2001, 1) : portscan::test::V4(10, 0, 0, 1);
    const Addr them = fam ? portscan::test::V6(0x2001, 9) : portscan::test::V4(192, 0, 2, 9);
    const Addr router = fam ? portscan::test::V6(0xfe80, 1) : portscan::test::V4(198, 51, 100, 1);
    const uint32_t cookie = portscan::SynCookie(key, us.family, us.bytes, them.bytes, sport, dport);
    TcpSpec probe;
    probe.src_port_h = sport;
    probe.dst_port_h = dport;
    probe.seq_h = cookie;
    probe.flags = 0x02;
    probe.options_len = 4;
    const Bytes probe_pkt = portscan::test::TcpPacket(us, them, probe, 64);
    TcpSpec reply;
    reply.src_port_h = dport;
    reply.dst_port_h = sport;
    reply.seq_h = 0x01020304;
    reply.ack_h = cookie + 1;
    std::vector<std::pair<std::string, Bytes>> packets;
    reply.flags = 0x12;  // SYN-ACK, with 20 bytes of options as real stacks send
    reply.options_len = 20;
    packets.push_back({"synack", portscan::test::TcpPacket(them, us, reply, 64)});
    reply.flags = 0x14;  // RST-ACK
    reply.options_len = 0;
    packets.push_back({"rstack", portscan::test::TcpPacket(them, us, reply, 64)});
    packets.push_back({"unreach8", portscan::test::IcmpUnreachable(router, us, probe_pkt, fam ? 48 : 28, fam ? 4 : 3)});
    packets.push_back({"unreachall", portscan::test::IcmpUnreachable(router, us, probe_pkt, 1000, fam ? 1 : 13)});
    for (Link link : portscan::test::kAllLinks) {
      for (const auto& [kind, ip] : packets) {
        int dlt = 0;
        const Bytes frame = portscan::test::WrapLink(link, ip, &dlt);
        Write(std::string(LinkName(link)) + "-v" + (fam ? "6" : "4") + "-" + kind, dlt, frame);
      }
    }
    // The other raw-IP link type values, once each.
    Write(std::string("rawbsd-v") + (fam ? "6" : "4") + "-synack", portscan::kDltRawOpenBsd, packets[0].second);
    Write(std::string("linktyperaw-v") + (fam ? "6" : "4") + "-rstack", portscan::kLinktypeRaw, packets[1].second);
    if (fam == 0) {
      // IPv4 with options (NOP NOP NOP EOL), an ARP frame, and a fragment.
      Bytes opt = packets[0].second;
      opt.insert(opt.begin() + 20, {1, 1, 1, 0});
      opt[0] = 0x46;
      portscan::StoreBe16(&opt[2], static_cast<uint16_t>(opt.size()));
      Write("raw-v4-ipoptions", portscan::kDltRaw, opt);
      int dlt = 0;
      Bytes arp = portscan::test::WrapLink(Link::kEthernet, packets[1].second, &dlt);
      portscan::StoreBe16(&arp[12], 0x0806);
      Write("eth-arp", dlt, arp);
      Bytes frag = packets[1].second;
      portscan::StoreBe16(&frag[6], 0x2000);
      Write("raw-v4-fragment", portscan::kDltRaw, frag);
    } else {
      // IPv6 with hop-by-hop and destination-options headers before TCP.
      Bytes seg(packets[0].second.begin() + 40, packets[0].second.end());
      Bytes ext = {60, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0};
      ext.insert(ext.end(), seg.begin(), seg.end());
      Write("raw-v6-exthdrs", portscan::kDltRaw, portscan::test::IpPacket(them, us, 0, ext, 64));
    }
  }
  Write("raw-empty", portscan::kDltRaw, Bytes());
  Write("unsupported-link", 147,
        portscan::test::TcpPacket(portscan::test::V4(192, 0, 2, 9), portscan::test::V4(10, 0, 0, 1), TcpSpec(), 64));
  std::printf("make_corpus: wrote %d seeds to %s\n", g_written, g_dir.c_str());
  return 0;
}
