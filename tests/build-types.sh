#!/usr/bin/env bash
# Builds Roundtable with the tests in every standard CMAKE_BUILD_TYPE with GCC and with clang,
# warnings as errors, and runs the unit tests of each tree: a contributor's ordinary build
# (any type, either compiler) must work, not only the ones deploy/ uses. Prints one line per
# tree and a summary; exits non-zero if any tree failed.
#
#   tests/build-types.sh [--types "Debug Release"] [--compilers "gcc clang"] [--dir DIR]
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
types="Debug Release RelWithDebInfo MinSizeRel"
compilers="gcc clang"
dir="$repo/build-types"
while [ $# -gt 0 ]; do
  case "$1" in
    --types) types="$2"; shift 2 ;;
    --compilers) compilers="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--types LIST] [--compilers LIST] [--dir DIR]" >&2; exit 2 ;;
  esac
done
failed=0
for cc in $compilers; do
  for type in $types; do
    tree="$dir/$cc-$type"
    t0=$(date +%s)
    log="$tree.log"
    mkdir -p "$dir"
    if cmake -S "$repo" -B "$tree" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE="$type" -DROUNDTABLE_TESTS=ON \
         -DROUNDTABLE_WERROR=ON >"$log" 2>&1 &&
       cmake --build "$tree" -j "$(nproc)" >>"$log" 2>&1 &&
       (cd "$tree" && ctest -L unit --output-on-failure >>"$log" 2>&1); then
      echo "build-types: $cc $type: built, unit tests pass ($(($(date +%s) - t0)) s)"
    else
      echo "build-types: $cc $type: FAILED ($(($(date +%s) - t0)) s); the end of $log:"
      grep -E 'error|warning|Failed|FAILED' "$log" | head -n 20
      failed=$((failed + 1))
    fi
  done
done
n=$(( $(wc -w <<<"$compilers") * $(wc -w <<<"$types") ))
echo "build-types: $((n - failed)) of $n trees built and passed their unit tests"
[ "$failed" -eq 0 ]
