#!/bin/sh
# durability-long.sh — the long variants of the durability tests, not run by ctest:
# 200 SIGKILLs under load (tests/integration/crash.test.mjs) and 2,000 power cuts
# (tests/unit/test_powerloss.c). Run from the repository after the sanitizer build:
#   sh tests/load/durability-long.sh [BUILD_DIR]      (default build-asan)
# Each prints its figures; the exit status is non-zero if anything acknowledged was lost.
set -eu
build=${1:-build-asan}
ROUNDTABLE_BIN="$build/roundtable" ROUNDTABLE_WEB="$build/web" CRASH_CYCLES=${CRASH_CYCLES:-200} \
	node --test --test-reporter=spec tests/integration/crash.test.mjs
POWERLOSS_TRIALS=${POWERLOSS_TRIALS:-2000} "$build/tests/test_powerloss"
