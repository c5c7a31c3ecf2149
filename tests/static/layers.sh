#!/usr/bin/env bash
# The layer rule, checked rather than claimed: every C file under server/ may include only the
# headers its layer may know (docs/architecture.md). Pure layers (core, report) may not include
# a library of I/O nor call the C library's file, clock or environment functions. A finding
# names the file, the line and the rule; any finding fails.
#
#   tests/static/layers.sh [ROOT]      check the tree at ROOT (default: this repository)
#   tests/static/layers.sh --self-test check that a planted violation of each kind is caught
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ "${1:-}" = "--self-test" ]; then
  # A copy of the server with one violation at a time: each must fail the check, and the
  # clean copy must pass it (so this test can fail, and so can the real one).
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cp -r "$here/../../server" "$tmp/server"
  bash "$here/layers.sh" "$tmp" >/dev/null || { echo "self-test: the clean copy fails"; exit 1; }
  plant() { # FILE LINE: the check must refuse FILE with LINE added
    local f="$tmp/server/$1"
    cp "$f" "$f.orig"
    printf '%s\n' "$2" >>"$f"
    if bash "$here/layers.sh" "$tmp" >/dev/null; then
      echo "self-test: not caught: '$2' in server/$1"
      exit 1
    fi
    mv "$f.orig" "$f"
  }
  core_c="$(cd "$tmp/server" && ls core/*.c | head -n 1)"
  store_c="$(cd "$tmp/server" && ls store/*.c | head -n 1)"
  wire_c="$(cd "$tmp/server" && ls wire/*.c | head -n 1)"
  hub_c="$(cd "$tmp/server" && ls hub/*.c | head -n 1)"
  plant "$core_c" '#include <sqlite3.h>'
  plant "$core_c" '#include <jansson.h>'
  plant "$core_c" '#include "store.h"'
  plant "$core_c" 'static void f(void) { FILE *x = fopen("a", "r"); (void)x; }'
  plant "$core_c" 'static long f(void) { return (long)time(NULL); }'
  plant "$wire_c" '#include <libwebsockets.h>'
  plant "$store_c" '#include "wire.h"'
  plant "$hub_c" '#include "net.h"'
  echo "layers self-test: 8 planted violations caught, the clean tree passes"
  exit 0
fi

root="${1:-$here/../..}"
cd "$root/server" || exit 2

# Which layer a folder is, and which layers each may include (its own always).
declare -A may=(
  [core]=""
  [util]=""
  [crypto]=""
  [log]=""
  [report]="core"
  [wire]="core report"
  [store]="core util"
  [hub]="core report wire store crypto log util"
  [net]="core hub wire log util"
  [cli]="*"
)
# Libraries each layer may not include (a regular expression over the <...> name).
declare -A banned=(
  [core]='^(jansson\.h|sqlite3\.h|libwebsockets\.h|openssl/.*|unistd\.h|fcntl\.h|sys/.*|time\.h|pthread\.h|arpa/.*|netinet/.*|dirent\.h)$'
  [report]='^(jansson\.h|sqlite3\.h|libwebsockets\.h|openssl/.*|unistd\.h|fcntl\.h|sys/.*|time\.h|pthread\.h|arpa/.*|netinet/.*|dirent\.h)$'
  [util]='^(jansson\.h|sqlite3\.h|libwebsockets\.h|openssl/.*)$'
  [log]='^(jansson\.h|sqlite3\.h|libwebsockets\.h|openssl/.*)$'
  [crypto]='^(jansson\.h|sqlite3\.h|libwebsockets\.h)$'
  [wire]='^(sqlite3\.h|libwebsockets\.h|openssl/.*)$'
  [store]='^(jansson\.h|libwebsockets\.h)$'
  [hub]='^(jansson\.h|sqlite3\.h|libwebsockets\.h)$'
  [net]='^(sqlite3\.h|jansson\.h)$'
  [cli]='^(sqlite3\.h|libwebsockets\.h|jansson\.h)$'
)
# The pure layers do no I/O and read no clock: calls they may not make.
pure_calls='\b(fopen|fdopen|freopen|fclose|fread|fwrite|fgets|fputs|puts|printf|fprintf|getline|remove|rename|tmpfile|time|clock|clock_gettime|gettimeofday|getenv|rand|srand|malloc_stats|exit|abort_handler)[[:space:]]*\('

# The layer of a folder (server/main.c and server/cli/ are the command line).
layer_of() {
  case "$1" in
    .|cli) echo cli ;;
    *) echo "$1" ;;
  esac
}

# Each project header's layer, from where it lives (generated ones name theirs in a comment).
declare -A header_layer=()
while IFS= read -r h; do
  d="$(dirname "$h")"
  header_layer["$(basename "$h")"]="$(layer_of "${d#./}")"
done < <(find . -name '*.h' | sort)
header_layer[messages.gen.h]=wire

fail=0
finding() {
  echo "server/$1:$2: $3"
  fail=1
}

while IFS= read -r f; do
  d="$(dirname "$f")"
  d="${d#./}"
  me="$(layer_of "${d%%/*}")"
  [ -n "${may[$me]+x}" ] || { finding "${f#./}" 1 "folder '$d' is no known layer: add it to tests/static/layers.sh"; continue; }
  allowed=" $me ${may[$me]} "
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    if [[ "$line" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
      inc="$(basename "${BASH_REMATCH[1]}")"
      # As the preprocessor does: a quoted include is looked for beside the file first.
      [ -f "$d/${BASH_REMATCH[1]}" ] && continue
      other="${header_layer[$inc]:-}"
      [ -n "$other" ] || { finding "${f#./}" "$n" "includes \"$inc\", which is no header of the server"; continue; }
      [ "${may[$me]}" = "*" ] || [[ "$allowed" == *" $other "* ]] ||
        finding "${f#./}" "$n" "$me may not include \"$inc\" ($other)"
    elif [[ "$line" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
      [[ "${BASH_REMATCH[1]}" =~ ${banned[$me]} ]] && finding "${f#./}" "$n" "$me may not include <${BASH_REMATCH[1]}>"
    elif [ "$me" = core ] || [ "$me" = report ]; then
      # Comments and strings aside, a call of a banned function.
      code="${line%%//*}"
      [[ "$code" =~ ^[[:space:]]*(\*|/\*) ]] && continue
      if [[ "$code" =~ $pure_calls ]]; then
        fn="${BASH_REMATCH[1]}"
        # The report writes into memory it owns (open_memstream's FILE), never into a file.
        if [ "$me" = report ] && [[ "$fn" =~ ^(fprintf|fputs|fwrite|fclose)$ ]]; then continue; fi
        finding "${f#./}" "$n" "$me is pure: no call of $fn()"
      fi
    fi
  done <"$f"
done < <(find . \( -name '*.c' -o -name '*.h' \) | sort)

if [ "$fail" -ne 0 ]; then
  echo "layers: the rule above is broken (docs/architecture.md says who may know what)"
  exit 1
fi
echo "layers: every include and call keeps the layer rule"
