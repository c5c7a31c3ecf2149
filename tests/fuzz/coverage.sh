#!/usr/bin/env bash
# Line and branch coverage that the fuzz corpora (build-fuzz/corpus/, grown by smoke.sh and
# run-long.sh) reach in the code each target exercises, with clang's source-based coverage.
# Builds build-fuzz-cov/ (the same targets, instrumented for llvm-cov), replays each corpus,
# and prints llvm-cov's report per target.
#
#   tests/fuzz/coverage.sh [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
command -v llvm-cov-14 >/dev/null || { echo "coverage: needs llvm-cov-14 and llvm-profdata-14 (apt-get install llvm-14)"; exit 1; }
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(wire agenda scrub report)
cov="$repo/build-fuzz-cov"
cmake -S "$repo" -B "$cov" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROUNDTABLE_FUZZ=ON \
  -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" >/dev/null
cmake --build "$cov" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null
for t in "${targets[@]}"; do
  corpus="$repo/build-fuzz/corpus/$t"
  [ -d "$corpus" ] || { echo "coverage: no corpus for $t: run tests/fuzz/smoke.sh $t SECONDS first"; exit 1; }
  raw="$cov/$t.profraw"
  LLVM_PROFILE_FILE="$raw" ASAN_OPTIONS=detect_leaks=0 "$cov/tests/fuzz/fuzz_$t" -runs=0 "$corpus" >/dev/null 2>&1
  llvm-profdata-14 merge -sparse "$raw" -o "$cov/$t.profdata"
  echo "== fuzz_$t ($(find "$corpus" -type f | wc -l) inputs)"
  llvm-cov-14 report "$cov/tests/fuzz/fuzz_$t" -instr-profile="$cov/$t.profdata" \
    -ignore-filename-regex='tests/fuzz/|demo_agenda' |
    awk '$1 ~ /\.c$|^TOTAL$/ { printf "  %-22s lines %7s of %5s   branches %7s of %5s\n", $1, $10, $8, $13, $11 }'
done
