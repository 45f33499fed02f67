#!/bin/sh
# run-golden.sh — run one golden end-to-end case (the test harness calls it
# once per case: tests/golden/cases/NAME/cmd.golden).
#
# A case is a folder: `cmd.golden` is a shell script run in a fresh empty
# directory with $RATER (the built binary), $DATA (tests/data), $SAMPLES,
# $RATES and $CASE (the case folder) set, and `rater` on PATH.  Its standard
# output, standard error and exit status are saved as `stdout`, `stderr` and
# `status`; then every file in the case's expected/ folder must equal the file
# of the same name in the run directory, byte for byte.
#
# To add a case: create tests/golden/cases/NAME/cmd.golden, list it in
# Makefile.am's golden_tests (tests/tools/check-golden-list.sh, run by make
# check, fails until it is), then write its expected files with either of
#
#   UPDATE_GOLDEN=1 make check TESTS=tests/golden/cases/NAME/cmd.golden
#   UPDATE_GOLDEN=1 sh tests/golden/run-golden.sh tests/golden/cases/NAME[/cmd.golden]
#
# (the first from the build directory, which passes RATER, SQLITE3 and
# top_srcdir; the second from an in-tree build, or with RATER=path/to/rater).
# Updating rewrites expected/ from the run: the files already there, and for a
# new case (no expected/, or an empty one) stdout, stderr and status.  To pin
# another output file, create an empty file of its name in expected/ and
# update again.  Several cases at once: TESTS="a/cmd.golden b/cmd.golden";
# all of them: UPDATE_GOLDEN=1 make check TESTS='$(golden_tests)'.  Review
# the changes with git diff before committing them.
#
# With GOLDEN_DB_URI set (tests/pg/goldens.sh), the case runs on that
# PostgreSQL database instead of rater.db (RATER_DB), and the URI in its
# standard output and error reads "rater.db": the expected files are the
# same for both backends (and so in the case's other text outputs).
#
# Exit status: 0 passed (or updated), 1 failed, 77 (skip) when sqlite3 is missing.
set -u

[ $# = 1 ] || { echo "usage: $0 tests/golden/cases/NAME/cmd.golden" >&2; exit 99; }
case_path=$1
[ -d "$case_path" ] || case_path=$(dirname "$case_path")
CASE=$(cd "$case_path" && pwd) || exit 99
name=$(basename "$CASE")

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RATER:=$top_srcdir/rater/rater}"
: "${SQLITE3:=sqlite3}"
export RATER SQLITE3 CASE top_srcdir
export GOLDEN="$top_srcdir/tests/golden" DATA="$top_srcdir/tests/data" SAMPLES="$top_srcdir/samples" RATES="$top_srcdir/rates"
export TZ=UTC LC_ALL=C

command -v "$SQLITE3" >/dev/null 2>&1 || { echo "sqlite3 not found: skipping golden tests"; exit 77; }

bindir=$(mktemp -d)
dir=$(mktemp -d)
trap 'rm -rf "$bindir" "$dir"' EXIT
ln -s "$RATER" "$bindir/rater"
PATH="$bindir:$PATH"

if [ -n "${GOLDEN_DB_URI:-}" ]; then
  [ "${UPDATE_GOLDEN:-0}" = 1 ] && { echo "UPDATE_GOLDEN with GOLDEN_DB_URI: update on SQLite" >&2; exit 99; }
  export RATER_DB="$GOLDEN_DB_URI"
fi
(cd "$dir" && sh -e "$CASE/cmd.golden" >stdout 2>stderr; echo $? >status)
if [ -n "${GOLDEN_DB_URI:-}" ]; then
  for f in "$CASE"/expected/*; do
    out="$dir/$(basename "$f")"
    # text files only (grep -I): a PDF's bytes stay as written
    if [ -f "$out" ] && grep -Iq . "$out"; then
      sed "s|$GOLDEN_DB_URI|rater.db|g" "$out" > "$out.tmp" && mv "$out.tmp" "$out"
    fi
  done
fi

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  if [ -z "$(ls -A "$CASE/expected" 2>/dev/null)" ]; then
    mkdir -p "$CASE/expected" || exit 99
    : >"$CASE/expected/stdout"; : >"$CASE/expected/stderr"; : >"$CASE/expected/status"
  fi
  for f in "$CASE"/expected/*; do
    out="$dir/$(basename "$f")"
    if [ -e "$out" ]; then cp "$out" "$f"; else echo "$name: $(basename "$f") was not produced"; fi
  done
  echo "updated: $name ($(ls "$CASE/expected" | wc -l) files)"
  exit 0
fi

ok=1
for f in "$CASE"/expected/*; do
  out="$dir/$(basename "$f")"
  if [ ! -e "$f" ]; then
    echo "FAIL: $name: no expected files (run with UPDATE_GOLDEN=1)"
    ok=0
  elif [ ! -e "$out" ]; then
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
  exit 0
fi
echo "  (stderr of $name:)"; head -20 "$dir/stderr"
exit 1
