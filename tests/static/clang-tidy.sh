#!/usr/bin/env bash
# clang-tidy over the server's sources with the committed .clang-tidy (warnings are errors),
# using the compile commands of a build (build-asan/ by default).
#
#   tests/static/clang-tidy.sh [BUILD_DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$repo/build-asan}"
[ -f "$build/compile_commands.json" ] || { echo "clang-tidy: $build/compile_commands.json is missing (configure with cmake first)"; exit 1; }
cd "$repo"
files=(server/*.c server/*/*.c)
# One process per core; any finding fails the run.
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet 2>/dev/null
echo "clang-tidy: ${#files[@]} files, no finding"
