#!/usr/bin/env bash
# Everything a fresh machine needs before portscan runs or its tests pass: the system packages
# (libpcap for Stealth mode, nftables for the testbed, clang-format for `npm run lint`, tcpdump to
# count packets at the target in the rate tests, nmap and the tools that read its formats) when
# missing and we are root, the npm dependencies, the native addon and the compiled TypeScript. Idempotent
# and quick when nothing changed. Optional: clang with libFuzzer, for the packet-parser fuzzer
# (scripts/fuzz.sh; test/native/fuzz.test.ts is skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -f /usr/include/pcap/pcap.h ] || need+=(libpcap-dev)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v clang-format >/dev/null 2>&1 || need+=(clang-format)
command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
# nmap: --top-ports and nmap's service names read its nmap-services; the tests compare our
# outputs with nmap's own (ndiff, xmllint against nmap.dtd, xsltproc with nmap.xsl, python-libnmap).
command -v nmap >/dev/null 2>&1 || need+=(nmap)
command -v ndiff >/dev/null 2>&1 || need+=(ndiff)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v xsltproc >/dev/null 2>&1 || need+=(xsltproc)
/usr/bin/python3 -c 'import libnmap' >/dev/null 2>&1 || need+=(python3-libnmap)
# Real services for the -sV tests (test/service/), started by hand on loopback by the tests
# (policy-rc.d keeps them from starting at install): sshd, nginx, redis-server, vsftpd.
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v vsftpd >/dev/null 2>&1 || need+=(vsftpd)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]} (install them as root: apt-get install ${need[*]})" >&2
  fi
fi
# clang and its libFuzzer runtime (Debian 12: a 14 MB download). Only the fuzzer needs them, so
# a failed install is reported and setup goes on.
if ! command -v clang++ >/dev/null 2>&1 || ! ls "$(clang++ -print-runtime-dir 2>/dev/null)"/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing clang libclang-rt-dev (for scripts/fuzz.sh)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-dev; } >/dev/null 2>&1 ||
      echo "setup: could not install clang; the fuzz test will be skipped" >&2
  else
    echo "setup: no clang with libFuzzer; the fuzz test will be skipped (apt-get install clang libclang-rt-dev)" >&2
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The test build: the addon and the ASan packet test build/portscan_pkt_test (test/native/), which
# `npm install` (scripts/install.js, cmake-js with PORTSCAN_TESTS=OFF) does not compile.
addon=build/Release/portscan_native.node
pkt_test=build/portscan_pkt_test
if [ ! -f "$addon" ] || [ ! -f "$pkt_test" ] ||
  [ -n "$(find native CMakeLists.txt -newer "$addon" 2>/dev/null | head -1)" ] ||
  [ -n "$(find native CMakeLists.txt -newer "$pkt_test" 2>/dev/null | head -1)" ]; then
  npm run --silent build:native:test >/dev/null
fi
if [ ! -f dist/lib/cli/main.js ] || [ -n "$(find lib bench -name '*.ts' -newer dist/lib/cli/main.js 2>/dev/null | head -1)" ]; then
  npm run --silent build:ts
fi
