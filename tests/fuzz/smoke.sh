#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time, seeded from the protocol's own examples, and
# replays every regression fixture first. Fails on any crash, leak, timeout or sanitizer report;
# a crash's input is saved in build-fuzz/crashes/ (move it to tests/fuzz/regressions/TARGET/
# once fixed). Prints the executions and the coverage reached.
#
#   tests/fuzz/smoke.sh TARGET SECONDS [FUZZ_BUILD_DIR]     TARGET: wire agenda scrub report
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="$1"
seconds="$2"
build="${3:-$repo/build-fuzz}"
bin="$build/tests/fuzz/fuzz_$target"
[ -x "$bin" ] || { echo "smoke: $bin is missing: build with -DROUNDTABLE_FUZZ=ON (deploy/test.sh does)"; exit 1; }

# Seeds: the protocol's examples for the decoder, the agendas for the agenda parser, and
# hand-written inputs for the scrubber and whole sessions for the report.
case "$target" in
  wire) seeds=("$repo"/protocol/examples/*/*.json) ;;
  agenda) seeds=("$repo"/protocol/agendas/*.json "$repo"/tests/fixtures/*.json) ;;
  scrub) seeds=("$here"/seeds/scrub/*) ;;
  report) seeds=("$here"/seeds/report/*) ;;
  *) echo "smoke: unknown target $target"; exit 2 ;;
esac
corpus="$build/corpus/$target"
crashes="$build/crashes/$target"
mkdir -p "$corpus" "$crashes"
for s in "${seeds[@]}"; do [ -f "$s" ] && cp "$s" "$corpus/seed-$(basename "$s")"; done

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Every crash found before is a fixture that must stay fixed.
if compgen -G "$here/regressions/$target/*" >/dev/null; then
  "$bin" -runs=1 "$here"/regressions/"$target"/* 2>&1 | tail -n 2
fi

log="$build/fuzz-$target.log"
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
  -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1 || { tail -n 60 "$log"; echo "smoke: fuzz_$target failed"; exit 1; }
edges=$(grep -o 'Loaded [0-9]* modules *([0-9]* inline 8-bit counters)' "$log" | grep -o '([0-9]*' | tr -d '(' | head -n 1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')
execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')
corp=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')
echo "fuzz_$target: ${execs:-?} executions in ${seconds} s, 0 crashes; coverage ${cov:-?} of ${edges:-?} instrumented edges; corpus ${corp:-?} inputs"
