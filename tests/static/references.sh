#!/usr/bin/env bash
# References resolve inside the repository: every requirement ID the tree cites (QA-1, CHR-5, …)
# has its row in docs/requirements.md; every relative link in docs/ and the top-level Markdown
# files points at a file that exists, and a link whose text names a C or JavaScript symbol
# (`[`name`](path)`) points at a file that defines it; no comment speaks of a tracker's "issue N",
# which a reader of the repository cannot look up.
#
#   tests/static/references.sh [ROOT]
set -uo pipefail
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$root" || exit 2
fail=0
finding() {
  echo "$*"
  fail=1
}

ids='\b(QA|LC|CHR|AG|EX|PL|PERF|ORG|POLL|FLOOR|AB)-[0-9]+\b'
listed="$(grep -oE '^\| (QA|LC|CHR|AG|EX|PL|PERF|ORG|POLL|FLOOR|AB)-[0-9]+ \|' docs/requirements.md | tr -d '| ')"
cited="$(grep -rhoE "$ids" server web-client tests protocol deploy README.md CMakeLists.txt \
           --exclude-dir=vendor 2>/dev/null | sort -u)"
for id in $cited; do
  grep -qx -- "$id" <<<"$listed" || finding "docs/requirements.md: $id is cited in the tree but has no row"
done

for doc in docs/*.md README.md CONTRIBUTING.md CHANGELOG.md; do
  [ -f "$doc" ] || continue
  dir="$(dirname "$doc")"
  # [text](target): relative targets only (no scheme, no pure anchor).
  while IFS= read -r link; do
    text="${link%%](*}"
    text="${text#[}"
    target="${link#*](}"
    target="${target%)}"
    target="${target%%#*}"
    case "$target" in "" | http:* | https:* | mailto:*) continue ;; esac
    path="$dir/$target"
    if [ ! -e "$path" ]; then
      finding "$doc: the link to $target leads nowhere"
      continue
    fi
    # `symbol` as the link's text: the file must define or declare it.
    if [[ "$text" =~ ^\`([A-Za-z_][A-Za-z0-9_]*)\`$ ]] && [ -f "$path" ]; then
      sym="${BASH_REMATCH[1]}"
      grep -qE "(^|[^A-Za-z0-9_])$sym[[:space:]]*\(|function $sym\b|const $sym\b|#define $sym\b" "$path" ||
        finding "$doc: $target does not define $sym"
    fi
  done < <(grep -oE '\[[^]]+\]\([^)]+\)' "$doc")
done

while IFS= read -r hit; do
  finding "$hit: speak of the topic, not of a tracker's issue"
done < <(grep -rnE '\b[Ii]ssues? [0-9]+\b' server web-client tests protocol deploy CMakeLists.txt README.md \
           --exclude-dir=vendor --exclude=references.sh 2>/dev/null)

[ "$fail" -eq 0 ] || { echo "references: fix the findings above"; exit 1; }
echo "references: $(wc -w <<<"$cited") requirement IDs cited, each listed; every link resolves"
