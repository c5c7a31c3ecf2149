#!/usr/bin/env bash
# cppcheck over the server, the fuzz targets and the test VFS (warning, style, performance and
# portability; any finding fails). jansson's header is given to it so that its iteration macros
# parse; the rest of the system headers are left out, as cppcheck advises.
#
#   tests/static/cppcheck.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
inc="$(mktemp -d)"
trap 'rm -rf "$inc"' EXIT
jansson="$(pkg-config --variable=includedir jansson)"
cp "$jansson/jansson.h" "$jansson/jansson_config.h" "$inc/"
includes=()
for d in server/*/; do includes+=(-I "$d"); done
cppcheck --enable=warning,style,performance,portability --inline-suppr --error-exitcode=1 --quiet \
  --std=c11 -D_POSIX_C_SOURCE=200809L -I "$inc" "${includes[@]}" server/ tests/fuzz/ tests/vfs/
echo "cppcheck: no finding"
