#!/usr/bin/env bash
# Checks, with readelf, that a release binary is hardened: a position-independent
# executable, full RELRO (a GNU_RELRO segment and BIND_NOW), a non-executable stack, stack
# canaries (__stack_chk_fail) and glibc's checked functions (_FORTIFY_SOURCE: __*_chk).
#
#   tests/hardening.sh build/roundtable
set -euo pipefail
bin="${1:?usage: hardening.sh BINARY}"
[ -x "$bin" ] || { echo "hardening: $bin is missing: build the release build first (deploy/setup.sh)"; exit 1; }
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
header=$(readelf -h "$bin")
dynamic=$(readelf -d "$bin")
segments=$(readelf -lW "$bin")
symbols=$(readelf --dyn-syms -W "$bin")
check "PIE (ELF type DYN, flag PIE)" 'grep -q "Type:.*DYN" <<<"$header" && grep -q "FLAGS_1.*PIE" <<<"$dynamic"'
check "full RELRO: a GNU_RELRO segment" 'grep -q GNU_RELRO <<<"$segments"'
check "full RELRO: BIND_NOW" 'grep -Eq "\(BIND_NOW\)|FLAGS.*BIND_NOW|FLAGS_1.*NOW" <<<"$dynamic"'
check "non-executable stack" 'grep -E "GNU_STACK" <<<"$segments" | grep -vq "RWE"'
check "stack protector (__stack_chk_fail)" 'grep -q "__stack_chk_fail" <<<"$symbols"'
fortified=$(grep -oE "__[a-z_]+_chk\b" <<<"$symbols" | sort -u | tr '\n' ' ')
check "_FORTIFY_SOURCE (checked functions: ${fortified:-none})" '[ -n "$fortified" ]'
check "no RPATH or RUNPATH" '! grep -Eq "RPATH|RUNPATH" <<<"$dynamic"'
exit $fail
