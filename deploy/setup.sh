#!/usr/bin/env bash
# Installs what Roundtable needs on Debian 12 and builds it. Idempotent: it installs only what
# is missing. Used by deploy/demo.sh and deploy/test.sh; run it alone to just build.
#
#   deploy/setup.sh [--tests]      the release build in build/ (hardened); --tests also installs
#                                  Chromium and the security tools (clang and libFuzzer, clang-tidy,
#                                  cppcheck, valgrind) and builds with ASan+UBSan into build-asan/
#                                  and the libFuzzer targets into build-fuzz/
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0
[ "${1:-}" = "--tests" ] && tests=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(build-essential cmake pkg-config libwebsockets-dev libjansson-dev libsqlite3-dev libssl-dev libunistring-dev ca-certificates)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
[ "$tests" -eq 1 ] && packages+=(chromium clang-format sqlite3 clang libclang-rt-14-dev clang-tidy cppcheck valgrind python3 openssl binutils nginx systemd zbar-tools)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "roundtable setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web client's view library and the JavaScript test tools, pinned by package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "roundtable setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The release build, always: what `deploy/demo.sh` runs, and what the hardening and valgrind
# tests check.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr -DROUNDTABLE_SANITIZE=OFF -DROUNDTABLE_TESTS=OFF -DROUNDTABLE_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
echo "roundtable setup: built build/roundtable"
if [ "$tests" -eq 1 ]; then
  cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROUNDTABLE_FUZZ=ON -DROUNDTABLE_WERROR=ON >/dev/null
  cmake --build build-fuzz -j "$(nproc)"
  echo "roundtable setup: built the fuzz targets in build-fuzz/tests/fuzz/"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DROUNDTABLE_SANITIZE=ON -DROUNDTABLE_WERROR=ON >/dev/null
  cmake --build build-asan -j "$(nproc)"
  echo "roundtable setup: built build-asan/roundtable"
fi
