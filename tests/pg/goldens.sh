#!/bin/sh
# goldens.sh — the golden end-to-end cases on PostgreSQL, against the same
# expected files as on SQLite (issue 13).
#
# Each case of Makefile.am's golden_tests runs once more through
# tests/golden/run-golden.sh with GOLDEN_DB_URI, on a fresh database of the
# test cluster (tests/tools/pg-cluster.sh, its env file in
# $RATER_TEST_PG_ENV; skipped, 77, without it).  A case that inspects the
# database with the sqlite3 shell, or keeps its own SQLite file, cannot
# run on a server: those are listed as left to SQLite, by name.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
if [ -z "${RATER_TEST_PG_ENV:-}" ] || [ ! -r "$RATER_TEST_PG_ENV" ]; then
  echo "no PostgreSQL test cluster (RATER_TEST_PG_ENV): skipping"
  exit 77
fi
cases=$(sed -n 's|^[[:space:]]*tests/golden/cases/\([^/]*\)/cmd.golden.*|\1|p' "$top_srcdir/Makefile.am")
[ -n "$cases" ] || { echo "no golden cases found in Makefile.am"; exit 99; }

passed=0 failed="" sqlite_only=""
for name in $cases; do
  script="$top_srcdir/tests/golden/cases/$name/cmd.golden"
  if grep -q 'SQLITE3\|sqlite3\|\.db\b\|database *=' "$script"; then
    sqlite_only="$sqlite_only $name"
    continue
  fi
  uri=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "golden_$(echo "$name" | tr -c 'a-z0-9\n' '_')") \
    || { failed="$failed $name(createdb)"; continue; }
  if GOLDEN_DB_URI=$uri sh "$top_srcdir/tests/golden/run-golden.sh" "$script" > "$name.pg.out" 2>&1; then
    passed=$((passed + 1))
    rm -f "$name.pg.out"
  else
    failed="$failed $name"
    cat "$name.pg.out"
  fi
done
echo "on PostgreSQL: $passed golden cases passed"
echo "left to SQLite (they read the SQLite file or keep their own):$sqlite_only"
if [ -n "$failed" ]; then
  echo "FAILED on PostgreSQL:$failed"
  exit 1
fi
exit 0
