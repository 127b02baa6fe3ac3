#!/usr/bin/env bash
# fuzz.sh: builds the libFuzzer harness of the Stealth-mode packet parser and cookie check
# (native/fuzz/fuzz_parse.cc) with clang and -fsanitize=fuzzer,address,undefined into build/fuzz/,
# and runs it for a bounded time on the seed corpus native/fuzz/corpus/ (read only; what the
# fuzzer finds goes to build/fuzz/corpus/). Exits non-zero when the fuzzer finds a crash, a
# sanitizer report, a broken invariant, a leak or a hang; the input that did it is saved as
# build/fuzz/artifacts/crash-* (replay: build/fuzz/fuzz_parse FILE). Needs clang's libFuzzer
# runtime (Debian: apt-get install clang, which brings libclang-rt-*-dev); normal builds do not.
#
#   scripts/fuzz.sh [SECONDS]    fuzz for SECONDS (default 60, or $FUZZ_SECONDS)
#   scripts/fuzz.sh --seeds      regenerate native/fuzz/corpus/ from native/fuzz/make_corpus.cc
# $FUZZ_CXX picks the compiler (default clang++), $FUZZ_OUT the output directory (build/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

CXX=${FUZZ_CXX:-clang++}
out=${FUZZ_OUT:-build/fuzz}
seeds=native/fuzz/corpus
pkt_sources=(native/pkt_parse.cc native/pkt_cookie.cc native/pkt_checksum.cc)

if ! command -v "$CXX" >/dev/null 2>&1; then
  echo "fuzz: $CXX not found; install clang (Debian: apt-get install clang) or set FUZZ_CXX" >&2
  exit 2
fi
mkdir -p "$out"

if [ "${1:-}" = "--seeds" ]; then
  "$CXX" -std=c++17 -O1 -g -Inative -Inative/test native/fuzz/make_corpus.cc \
    native/test/pkt_test_util.cc "${pkt_sources[@]}" -o "$out/make_corpus"
  rm -rf "$seeds"
  mkdir -p "$seeds"
  "$out/make_corpus" "$seeds"
  exit 0
fi

secs=${1:-${FUZZ_SECONDS:-60}}
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
  echo "fuzz: the time budget must be a whole number of seconds, got '$secs'" >&2
  exit 2
fi

bin=$out/fuzz_parse
if [ ! -x "$bin" ] || [ -n "$(find native/fuzz native/pkt_*.cc native/pkt_*.h native/record.h -newer "$bin" 2>/dev/null | head -1)" ]; then
  echo "fuzz: building $bin" >&2
  # -fno-sanitize-recover: a UBSan report stops the run like an ASan one, so it counts as a crash.
  "$CXX" -std=c++17 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wshadow \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Inative native/fuzz/fuzz_parse.cc "${pkt_sources[@]}" -o "$bin.tmp"
  mv "$bin.tmp" "$bin"
fi

mkdir -p "$out/corpus" "$out/artifacts"
log=$out/fuzz.log
echo "fuzz: running $bin for ${secs} s on $seeds (log: $log)" >&2
status=0
# -timeout: one input taking over 10 s is a hang; -max_len: frames past the 256-byte snapshot
# length the engine uses, with room to spare.
"$bin" -max_total_time="$secs" -timeout=10 -max_len=1024 -print_final_stats=1 \
  -artifact_prefix="$out/artifacts/" "$out/corpus" "$seeds" >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
if [ "$status" -ne 0 ]; then
  # Show what the fuzzer said: the sanitizer report or broken invariant and the saved input.
  grep -E -A40 'ERROR: |runtime error|broken invariant|deadly signal|Test unit written' "$log" | head -80 >&2 || tail -40 "$log" >&2
  echo "fuzz: FAILED (exit $status) after ${runs:-?} executions; inputs in $out/artifacts/" >&2
  exit "$status"
fi
echo "fuzz: ${runs:-?} executions in ${secs} s, ${cov:-cov: ?}, no crash"
