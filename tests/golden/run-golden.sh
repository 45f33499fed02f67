#!/bin/sh
# run-golden.sh — the data-driven end-to-end suite.
#
# Each folder under cases/ is one test: `cmd` is a shell script run in a
# fresh empty directory with $RATER (the built binary), $DATA (tests/data),
# $SAMPLES, $RATES and $CASE (the case folder) set, and `rater` on PATH.  Its
# standard output, standard error and exit status are saved as `stdout`,
# `stderr` and `status`; then every file in the case's expected/ folder must
# equal the file of the same name in the run directory, byte for byte.
#
#   UPDATE_GOLDEN=1 tests/golden/run-golden.sh [CASE...]   rewrites expected/
#
# Exit status: 0 all passed, 1 a case failed, 77 (skip) when sqlite3 is missing.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RATER:=$top_srcdir/rater/rater}"
: "${SQLITE3:=sqlite3}"
export RATER SQLITE3
export top_srcdir
export GOLDEN="$top_srcdir/tests/golden" DATA="$top_srcdir/tests/data" SAMPLES="$top_srcdir/samples" RATES="$top_srcdir/rates"
export TZ=UTC LC_ALL=C

command -v "$SQLITE3" >/dev/null 2>&1 || { echo "sqlite3 not found: skipping golden tests"; exit 77; }

bindir=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$bindir" "$work"' EXIT
ln -s "$RATER" "$bindir/rater"
PATH="$bindir:$PATH"

cases="$*"
[ -n "$cases" ] || cases=$(cd "$top_srcdir/tests/golden/cases" && ls)

failed=0
total=0
for name in $cases; do
  CASE="$top_srcdir/tests/golden/cases/$name"
  export CASE
  dir="$work/$name"
  mkdir -p "$dir"
  total=$((total + 1))
  (cd "$dir" && sh -e "$CASE/cmd" >stdout 2>stderr; echo $? >status)
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p "$CASE/expected"
    for f in "$CASE"/expected/*; do
      [ -e "$f" ] && cp "$dir/$(basename "$f")" "$f"
    done
    echo "updated: $name"
    continue
  fi
  ok=1
  for f in "$CASE"/expected/*; do
    out="$dir/$(basename "$f")"
    if [ ! -e "$out" ]; then
      echo "FAIL: $name: $(basename "$f") was not produced"
      ok=0
    elif ! cmp -s "$f" "$out"; then
      echo "FAIL: $name: $(basename "$f") differs:"
      diff -u "$f" "$out" | head -40
      ok=0
    fi
  done
  if [ $ok = 1 ]; then
    echo "PASS: $name"
  else
    failed=$((failed + 1))
    echo "  (stderr of $name:)"; head -20 "$dir/stderr"
  fi
done
echo "$((total - failed)) of $total golden cases passed"
[ $failed = 0 ]
