#!/bin/sh
# goldens.sh — the golden end-to-end cases on PostgreSQL, against the same
# expected files as on SQLite (issue 13).
#
# Each case of Makefile.am's golden_tests runs once more through
# tests/golden/run-golden.sh with GOLDEN_DB_URI, on a fresh database of the
# test cluster (tests/tools/pg-cluster.sh, its env file in
# $RATER_TEST_PG_ENV; skipped, 77, without it).  A case asks the database
# through tests/golden/sql.sh, which asks PostgreSQL there.  A case that
# handles the SQLite file itself (copies, truncates or opens it with the
# sqlite3 shell), or keeps its own, cannot run on a server: those are
# listed as left to SQLite, by name.
. "$(dirname "$0")/lib.sh"
cases=$(sed -n 's|^[[:space:]]*tests/golden/cases/\([^/]*\)/cmd.golden.*|\1|p' "$top_srcdir/Makefile.am")
[ -n "$cases" ] || { echo "no golden cases found in Makefile.am"; exit 99; }

# Cases whose questions to the database are SQLite's own, named with why:
# they run on SQLite only.
sqlite_questions="
dispute-withdrawn-call: shows SQLite giving a deleted call's rowid to the next call (an identity never reuses one)
finance-dispute-rejected: recomputes the draft with SQLite's json_each and readfile
finance-dispute-upheld: SQLite's group_concat and 0/1 comparisons
harden-bom: SQLite's hex()
"

passed=0 failed="" sqlite_only=""
for name in $cases; do
  script="$top_srcdir/tests/golden/cases/$name/cmd.golden"
  if printf '%s' "$sqlite_questions" | grep -q "^$name:"; then
    sqlite_only="$sqlite_only $name"
    continue
  fi
  # (the database asked through sql.sh, which asks PostgreSQL too, aside)
  if sed 's|"$GOLDEN/sql.sh" \(-header \)\{0,1\}rater.db||g' "$script" \
       | grep -q 'SQLITE3\|sqlite3\|\.db\b\|database *=\|--db'; then
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
echo "left to SQLite (they handle the SQLite file, keep their own, or ask SQLite's SQL):$sqlite_only"
if [ -n "$failed" ]; then
  echo "FAILED on PostgreSQL:$failed"
  exit 1
fi
exit 0
