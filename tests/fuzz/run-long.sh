#!/usr/bin/env bash
# Runs every libFuzzer target for longer (default an hour each, one job per core), keeping the
# corpus in build-fuzz/corpus/ between runs. Builds build-fuzz/ first if needed.
#
#   tests/fuzz/run-long.sh [SECONDS_EACH] [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${1:-3600}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(wire agenda scrub report)
cmake -S "$repo" -B "$repo/build-fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROUNDTABLE_FUZZ=ON >/dev/null
cmake --build "$repo/build-fuzz" -j "$(nproc)"
for t in "${targets[@]}"; do
  bash "$here/smoke.sh" "$t" "$seconds" "$repo/build-fuzz"
done
