#!/bin/sh
# check-golden-list.sh — every golden case is run by make check.
#
# A golden case is a folder tests/golden/cases/NAME holding cmd.golden (see
# tests/golden/run-golden.sh); make check runs the ones listed in
# Makefile.am's golden_tests, so a case missing from that list would be
# skipped without a word.  Run by make check, this fails when a case folder
# is not listed, when a listed case does not exist, or when a case folder
# has no cmd.golden, printing each problem on its own line.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$top_srcdir" || exit 99

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# the golden_tests list: from "golden_tests = \" to the line with $(NULL)
sed -n '/^golden_tests[[:space:]]*=/,/\$(NULL)/p' Makefile.am |
  sed -n 's|^[[:space:]]*\(tests/golden/cases/[^[:space:]\\]*\).*|\1|p' | sort > "$tmp/listed"

: > "$tmp/found"
: > "$tmp/problems"
for d in tests/golden/cases/*/; do
  [ -d "$d" ] || continue
  d=${d%/}
  if [ -f "$d/cmd.golden" ]; then
    echo "$d/cmd.golden" >> "$tmp/found"
  elif [ -n "$(ls -A "$d" | grep -v '^cmd\.\(log\|trs\)$')" ]; then
    # (what is left of a removed case in an in-tree build is only its log)
    echo "$d: a case folder without cmd.golden" >> "$tmp/problems"
  fi
done
sort -o "$tmp/found" "$tmp/found"

[ -s "$tmp/listed" ] || echo "Makefile.am: no golden_tests list" >> "$tmp/problems"
comm -13 "$tmp/listed" "$tmp/found" | sed 's/$/: not in Makefile.am'\''s golden_tests (make check would skip it)/' >> "$tmp/problems"
comm -23 "$tmp/listed" "$tmp/found" | sed 's/$/: in Makefile.am'\''s golden_tests, but no such case/' >> "$tmp/problems"

if [ -s "$tmp/problems" ]; then
  cat "$tmp/problems"
  exit 1
fi
echo "every golden case is listed in Makefile.am: $(wc -l < "$tmp/listed")"
exit 0
