#!/bin/sh
# check-includes.sh — the library's folders depend on each other one way.
#
# rater/ has one folder per pipeline stage, in the order the data flows
# (below).  A file may include headers of its own folder and of the folders
# before it, never of a later one (so never of cli/, the command layer), and
# names every rater header by its folder ("rate/tariff.h").  The database
# libraries stay behind base/store.h: only base/store-sqlite.c includes
# <sqlite3.h>, only base/store-pg.c <libpq-fe.h>, and only base/store*.c the
# backends' base/store-backend.h.  Run by make check;
# prints each violation as FILE:LINE: reason and exits 1 when there is one.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
order="base catalog ingest rate bill report reconcile nightly cli"

rank () {
  i=0
  for d in $order; do
    [ "$d" = "$1" ] && { echo $i; return; }
    i=$((i + 1))
  done
  echo -1
}

status=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cd "$top_srcdir/rater" || exit 99
for dir in */; do
  dir=${dir%/}
  own=$(rank "$dir")
  if [ "$own" -lt 0 ]; then
    echo "rater/$dir: a folder the layering does not know: add it to tests/tools/check-includes.sh"
    status=1
    continue
  fi
  for file in "$dir"/*.c "$dir"/*.h; do
    [ -e "$file" ] || continue
    # FILE:LINE:header for every quoted include but config.h
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
      sed 's/^\([0-9]*\):.*"\(.*\)".*/\1 \2/' | while read -r line header; do
        [ "$header" = config.h ] && continue
        case $header in
          */*) ;;
          *) echo "rater/$file:$line: \"$header\": name rater headers by folder (\"$dir/$header\")"; echo x; continue ;;
        esac
        target=${header%%/*}
        theirs=$(rank "$target")
        if [ "$theirs" -lt 0 ]; then
          echo "rater/$file:$line: \"$header\": no such folder"; echo x
        elif [ "$theirs" -gt "$own" ]; then
          echo "rater/$file:$line: \"$header\": $dir/ must not include from $target/, which comes after it"; echo x
        elif [ ! -e "$header" ]; then
          echo "rater/$file:$line: \"$header\": no such header"; echo x
        fi
      done
  done
done > "$tmp" 2>&1
grep -v '^x$' "$tmp"
grep -q '^x$' "$tmp" && status=1

# The database libraries behind base/store.h.
grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]\(sqlite3\.h\|libpq-fe\.h\|base/store-backend\.h\)[>"]' \
    */*.c */*.h | while IFS=: read -r file line text; do
  case "$file:$text" in
    base/store-sqlite.c:*sqlite3.h*|base/store-pg.c:*libpq-fe.h*|base/store*.c:*store-backend.h*) ;;
    *) echo "rater/$file:$line: $text: only the store's backends include it (use base/store.h)" ;;
  esac
done > "$tmp"
[ -s "$tmp" ] && { cat "$tmp"; status=1; }

# No cycle among the headers: peel off headers that include no header still
# left; whatever cannot be peeled is on a cycle.
for h in */*.h; do
  sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\(.*\/.*\)".*/\1/p' "$h" | sed "s|^|$h |"
  echo "$h"
done | awk '
  NF == 1 { node[$1] = 1; next }
  { node[$1] = 1; edge[$1, $2] = 1; from[++n] = $1; to[n] = $2 }
  END {
    do {
      changed = 0
      for (h in node) {
        leaf = 1
        for (i = 1; i <= n; i++) if (from[i] == h && (to[i] in node)) { leaf = 0; break }
        if (leaf) { delete node[h]; changed = 1 }
      }
    } while (changed)
    bad = 0
    for (h in node) { print "rater/" h ": on an include cycle, or includes a header that is"; bad = 1 }
    exit bad
  }' || status=1
[ $status = 0 ] && echo "includes run one way: $order"
exit $status
