#!/usr/bin/env bash
# Roundtable's benchmark (PERF-1..PERF-3): for each N, the fan-out floor (floor.c) and
# Roundtable are driven by the same load generator (rtload.c) in the same run, and one line per N
# and mode is printed:
#   RESULT n=<N> mode=<isolated|sustained> samples= p50_ms= p90_ms= p99_ms= max_ms=
#          delivered_per_s= rss_mb= cpu_pct= floor_samples= floor_p50_ms= floor_p90_ms=
#          floor_p99_ms= ratio_p50= ratio_p90= ratio_p99=
# then, for each storm size J, RESULT n=<J> mode=join-storm (J clients join a busy room over
# --storm-seconds: samples=, last_snapshot_s= (from the first connect to the last snapshot),
# p50/p90/p99/max_ms (auth sent -> snapshot arrived), joins_per_s=, failures=, resets=, cpu_pct=,
# rss_mb=); then RESULT durable_cmds_per_s=<..> (commands acknowledged per second with
# synchronous=FULL, many clients at once), and each N's memory per idle connection.
#
#   tests/load/bench.sh                  N = 1,000, 5,000 and 10,000; 30 s sustained; storms of
#                                        1,000, 5,000 and 10,000 (about 15 min)
#   tests/load/bench.sh --sizes "2000" --seconds 10 --storm "2000"
#   tests/load/bench.sh --smoke --build build-asan   under a minute (ctest runs this one)
#   tests/load/bench.sh --phases storm --storm 5000 --storm-seconds 5   one phase only
#   EXTRA_SERVE="--live-window 100" tests/load/bench.sh ...   more options for Roundtable
#   tests/load/bench.sh --sizes 5000 --perf /tmp/prof   Roundtable's runs under `perf record`,
#                                                       and the top of each profile
#
# Knobs: --sizes "N ..." (fan-out sizes), --isolated K (isolated samples, default 100),
# --seconds S (sustained), --storm "J ..." (joiners), --storm-seconds T (their spread, default
# 10), --storm-questions Q and --storm-votes V (the room they join: default 100 and 2,000),
# --phases "fanout storm durable" (which to run), --build DIR.
#
# isolated: one vote at a time on an otherwise idle server (the floor: one frame at a time);
# sustained: 50 votes/s and 5 questions/s for --seconds (the floor: 5 frames/s, as many writes
# to each connection as Roundtable makes of them with a 200 ms live window; its window follows
# the room's size, N * 1000 / --live-budget ms, so below 10,000 it writes more often and waits
# less). Everything runs on 127.0.0.0/8 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/../.."

sizes="1000 5000 10000"
seconds=30
isolated=100
build=""
smoke=0
durable_clients=1000
durable_seconds=10
perf_dir=""
storm_sizes="1000 5000 10000"
storm_seconds=10
storm_questions=100
storm_votes=2000
phases="fanout storm durable"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --isolated) isolated="$2"; shift 2 ;;
    --perf) perf_dir="$2"; mkdir -p "$perf_dir"; shift 2 ;;
    --storm) storm_sizes="$2"; shift 2 ;;
    --storm-seconds) storm_seconds="$2"; shift 2 ;;
    --storm-questions) storm_questions="$2"; shift 2 ;;
    --storm-votes) storm_votes="$2"; shift 2 ;;
    --phases) phases="$2"; shift 2 ;;
    --smoke) smoke=1; sizes="300"; seconds=5; isolated=5; durable_clients=100; durable_seconds=3
             storm_sizes="200"; storm_seconds=2; storm_questions=20; storm_votes=200; shift ;;
    *) echo "usage: $0 [--sizes \"N ...\"] [--isolated K] [--seconds S] [--storm \"J ...\"] [--storm-seconds T]" \
            "[--storm-questions Q] [--storm-votes V] [--phases \"fanout storm durable\"] [--build DIR] [--perf DIR]" \
            "[--smoke]" >&2; exit 2 ;;
  esac
done

# An optimised build of the server and the tools, unless one is given.
if [ -z "$build" ]; then
  build=build-bench
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DROUNDTABLE_SANITIZE=OFF >/dev/null
  cmake --build "$build" -j "$(nproc)" --target roundtable rtload rtfloor >/dev/null
fi
server="$build/roundtable"
rtload="$build/tests/rtload"
rtfloor="$build/tests/rtfloor"
for f in "$server" "$rtload" "$rtfloor"; do [ -x "$f" ] || { echo "bench: $f is missing" >&2; exit 1; }; done

work=$(mktemp -d /tmp/roundtable-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The agenda: the demo's, with questions open, no premoderation (a question reaches everybody at
# once) and the per-participant limits at their highest.
node -e '
const fs = require("fs");
const a = JSON.parse(fs.readFileSync("protocol/agendas/engagement-session.json", "utf8"));
a.premoderation = false;
a.segments[0].questions = true;
a.limits = { open_questions: 100, votes_per_minute: 600, new_devices_per_minute: 0, work_bits: 0 };
fs.writeFileSync(process.argv[1], JSON.stringify(a));' "$work/agenda.json"

# Sets port from a server's output (FILE, and the sed script that finds it) once it listens.
wait_port() {
  port=""
  for _ in $(seq 100); do
    port=$(sed -n "$2" "$1")
    [ -n "$port" ] && return
    sleep 0.1
  done
  cat "$1" >&2
  exit 1
}

# Starts a fresh Roundtable on a new database; sets port, pid, path and token.
start_roundtable() {
  local dir="$work/data-$1"
  "$server" new "$work/agenda.json" --data "$dir" --json > "$work/links-$1.json"
  local id token
  id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).consultation)' "$work/links-$1.json")
  token=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).links.participant.split("#")[1])' "$work/links-$1.json")
  "$server" serve --data "$dir" --port 0 --log-level warn --max-per-address 1000000 --rate 10000 --burst 100000 ${EXTRA_SERVE:-} \
    > "$work/server-$1.out" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_port "$work/server-$1.out" 's|^roundtable: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p'
  path="/c/$id/ws"
  args=(--port "$port" --path "$path" --token "$token" --server-pid "$pid")
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< "$1"; }
has_phase() { [[ " $phases " == *" $1 "* ]]; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}' if $2 > 0 else 'nan')"; }

# Roundtable (pid) under `perf record` while a phase runs, when asked: perf_start, then
# perf_stop NAME prints the top of the profile, and how many times the loop woke up (poll) and
# wrote (sendto) meanwhile: each wake-up of lws' poll loop costs O(connections) in the kernel.
perf_start() {
  [ -n "$perf_dir" ] || return 0
  perf record -q -g -F 499 -p "$pid" -o "$perf_dir/perf-$1.data" 2>/dev/null &
  perf_pid=$!
  perf stat -x, -e syscalls:sys_enter_poll,syscalls:sys_enter_sendto -p "$pid" -o "$perf_dir/stat-$1.csv" 2>/dev/null &
  stat_pid=$!
}
perf_stop() {
  [ -n "$perf_dir" ] || return 0
  kill -INT "$stat_pid"; wait "$stat_pid" || true
  sed -n 's/^\([0-9]*\),,syscalls:sys_enter_\([a-z]*\),.*/# perf \2 calls \1/p' "$perf_dir/stat-$1.csv" | sed "s/^# perf /# perf $1: /"
  kill -INT "$perf_pid"; wait "$perf_pid" || true
  perf report -i "$perf_dir/perf-$1.data" --stdio --no-children --percent-limit 1.5 -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -40 | sed "s/^/# perf $1: /"
}

status=0
has_phase fanout || sizes=""
for n in $sizes; do
  voters=$(( n < 400 ? n / 3 : 200 ))
  common=(--clients "$n" --addresses $(( n / 200 + 2 )) --voters "$voters" --posters 20 --questions 20
          --isolated "$isolated" --seconds "$seconds")

  "$rtfloor" --port 0 > "$work/floor.out" 2>&1 &
  fpid=$!
  pids+=("$fpid")
  wait_port "$work/floor.out" 's/^floor: listening on port \([0-9]*\)$/\1/p'
  # The floor broadcasts as often as Roundtable writes to each connection in the sustained
  # phase with the longest live window (200 ms), what the window held in one write, 5 a second.
  floor=$("$rtload" --floor --port "$port" "${common[@]}" --vote-rate 5 --post-rate 0 --server-pid "$fpid" --label floor) || status=1
  stop "$fpid"
  echo "$floor" | sed 's/^/# floor: /'

  start_roundtable "$n"
  perf_start "n=$n"
  out=$("$rtload" "${args[@]}" "${common[@]}" --vote-rate 50 --post-rate 5) || status=1
  perf_stop "n=$n"
  stop "$pid"
  echo "$out" | grep idle_kb_per_conn || true
  for mode in isolated sustained; do
    line=$(grep "mode=$mode " <<< "$out" || true)
    fline=$(grep "mode=$mode " <<< "$floor" || true)
    [ -n "$line" ] && [ -n "$fline" ] || { echo "bench: no $mode result for n=$n" >&2; status=1; continue; }
    cmp="floor_samples=$(field "$fline" samples)"
    for p in p50 p90 p99; do cmp+=" floor_${p}_ms=$(field "$fline" ${p}_ms)"; done
    for p in p50 p90 p99; do cmp+=" ratio_$p=$(ratio "$(field "$line" ${p}_ms)" "$(field "$fline" ${p}_ms)")"; done
    echo "$(sed 's/ changes=.*//' <<< "$line") $cmp"
    for l in "$line" "$fline"; do
      st=$(field "$l" stalled_s)
      [ "${st:-0.0}" = "0.0" ] || echo "# bench: n=$n mode=$mode: the machine stalled for $st s during it: run it again"
    done
  done
done

# Join storms: J participants open the link within --storm-seconds (a consultation's start, or
# everyone back after a network blip), into a room of Q questions and V votes that 100 others
# (80 voters, 20 posters) are already in. Each source address opens at most a few at once: the
# server refuses an address's new connections while 8 of its requests wait over a second for
# their headers (net_header_admit), which a storm from a few addresses reaches.
has_phase storm || storm_sizes=""
for j in $storm_sizes; do
  start_roundtable "storm-$j"
  perf_start "storm=$j"
  out=$("$rtload" "${args[@]}" --clients 100 --voters 80 --posters 20 --questions "$storm_questions" \
    --addresses $(( j / 8 + 2 < 250 ? j / 8 + 2 : 250 )) --isolated 0 --seconds 0 --storm "$j" --storm-seconds "$storm_seconds" \
    --storm-votes "$storm_votes") || status=1
  perf_stop "storm=$j"
  stop "$pid"
  line=$(grep "mode=join-storm " <<< "$out" || true)
  [ -n "$line" ] || { echo "bench: no join-storm result for $j" >&2; status=1; continue; }
  echo "$line"
  st=$(field "$line" stalled_s)
  [ "${st:-0.0}" = "0.0" ] || echo "# bench: storm=$j: the machine stalled for $st s during it: run it again"
done

# Durable commands: many clients at once, each with one vote or take-back in flight.
if has_phase durable; then
  start_roundtable durable
  "$rtload" "${args[@]}" --clients "$durable_clients" --voters $(( durable_clients - 1 )) --posters 1 --questions 1 \
    --addresses 4 --durable --seconds "$durable_seconds" | grep durable_cmds_per_s || status=1
  stop "$pid"
fi
exit "$status"
