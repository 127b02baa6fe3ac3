#!/usr/bin/env bash
# clang-format over every C++ file of native/ (.clang-format at the top). With --check it changes
# nothing and fails on the first file that is not formatted; without, it formats them in place.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'native/*.cc' 'native/*.h' 'native/**/*.cc' 'native/**/*.h')
if [ "${1:-}" = "--check" ]; then
  clang-format --dry-run --Werror "${files[@]}"
else
  clang-format -i "${files[@]}"
fi
