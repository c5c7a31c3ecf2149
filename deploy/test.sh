#!/usr/bin/env bash
# The second command of README.md: install what is missing (Chromium and the security tools
# too), build the hardened release, the libFuzzer targets and the ASan+UBSan build, and run
# every test: unit, protocol fixtures, integration (real binary, real WebSocket clients),
# browser (real Chromium), security (WebSocket conformance under ASan and valgrind, the
# hardened binary, a bounded run of each fuzz target) and static (clang-tidy, cppcheck).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh --tests
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd build-asan
ctest --output-on-failure -j "$(nproc)" "$@"
