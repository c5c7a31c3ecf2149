#!/usr/bin/env bash
# Runs a build's ctest suite several times in a row beside CPU hogs (busy loops), to show that
# the tests wait for what they need rather than for a time that only an idle machine keeps.
# Not a benchmark: it prints each run's result and time, and fails if any run failed.
#
#   bash tests/stress.sh [--runs N] [--hogs N] [BUILD_DIR] [-- CTEST_ARGS...]
#
# BUILD_DIR defaults to build-asan; N runs (default 3), N busy loops (default 1); what follows
# `--` goes to ctest, e.g. `-- -L 'integration|browser'` (with -j2 and --output-on-failure
# unless it says otherwise). Each run's full output is kept in a log folder it names.
set -uo pipefail
cd "$(dirname "$0")/.."

runs=3
hogs=1
build=build-asan
ctest_args=()
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  case "$1" in
    --runs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage; runs=$2; shift 2 ;;
    --hogs) [[ ${2:-} =~ ^[0-9]+$ ]] || usage; hogs=$2; shift 2 ;;
    -h | --help) usage ;;
    --) shift; ctest_args=("$@"); break ;;
    -*) usage ;;
    *) build=$1; shift ;;
  esac
done
[[ -f $build/CTestTestfile.cmake ]] || { echo "stress: $build is not a build folder with tests" >&2; exit 2; }
((${#ctest_args[@]})) || ctest_args=(-j2 --output-on-failure)
# -j2 and --output-on-failure unless told otherwise: the logs then say why a test failed.
has_j=false
has_out=false
for a in "${ctest_args[@]}"; do
  [[ $a == -j* || $a == --parallel* ]] && has_j=true
  [[ $a == --output-on-failure || $a == -V || $a == -VV ]] && has_out=true
done
$has_out || ctest_args=(--output-on-failure "${ctest_args[@]}")
$has_j || ctest_args=(-j2 "${ctest_args[@]}")

# The sanitizers' settings of deploy/test.sh.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# The hogs: one busy loop each, in a process of its own, ended with this script however it ends.
hog_pids=()
stop_hogs() {
  for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${hog_pids[@]}"; do wait "$pid" 2>/dev/null; done
  hog_pids=()
}
trap stop_hogs EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for ((i = 0; i < hogs; i++)); do
  bash -c 'while :; do :; done' &
  hog_pids+=($!)
done
echo "stress: $runs run(s) of ctest ${ctest_args[*]} in $build, beside $hogs busy loop(s) on $(nproc) CPU(s)"

logdir=$(mktemp -d "${TMPDIR:-/tmp}/roundtable-stress.XXXXXX")
failed=0
summary=()
for ((r = 1; r <= runs; r++)); do
  log="$logdir/run-$r.log"
  start=$(date +%s%N)
  (cd "$build" && ctest "${ctest_args[@]}") >"$log" 2>&1
  code=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  secs="$((ms / 1000)).$((ms % 1000 / 100))"
  line=$(grep -E '^[0-9]+% tests passed' "$log" | tail -1)
  [[ -n $line ]] || line="ctest exited $code"
  if ((code == 0)); then
    result=PASS
  else
    result=FAIL
    failed=$((failed + 1))
  fi
  summary+=("run $r: $result in ${secs} s: $line")
  echo "stress: run $r of $runs: $result in ${secs} s: $line (log: $log)"
  if ((code != 0)); then
    grep -E '^\s+[0-9]+ - ' "$log" | sed 's/^/stress:   failed: /'
  fi
done

echo "stress: summary ($hogs busy loop(s), $(nproc) CPU(s), ctest ${ctest_args[*]}):"
printf 'stress:   %s\n' "${summary[@]}"
if ((failed)); then
  echo "stress: $failed of $runs run(s) failed; logs in $logdir"
  exit 1
fi
echo "stress: every run passed; logs in $logdir"
