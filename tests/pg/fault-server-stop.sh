#!/bin/sh
# fault-server-stop.sh — the PostgreSQL server stopped mid-run (issue 13,
# "Faults"): on a cluster of its own (tests/tools/pg-cluster.sh; stopping
# the shared one would fail the other PostgreSQL tests), a world of
# tests/bench/gen-world.awk (150 accounts, 30,000 CDR rows with duplicates
# and bad rows) is
#   - ingested in 1024-row chunks: the server stopped (immediate, then
#     fast) once a chunk is committed;
#   - rated: the server stopped (immediate) while rate holds the write lock;
#   - issued (--format json): the server stopped (fast) while the first
#     operator's numbering holds the write lock, and (immediate) once its
#     invoices are committed (its documents or the next operator under way);
#   - run by `rater nightly`: the server stopped (immediate) mid-ingest,
#     then the next night (fast) once its first invoices are committed.
# Each time the command exits 70 with one line on stderr (nothing from
# libpq around rater's messages) saying it lost the connection to the
# database, which it names; after the server is started again nothing is
# half-applied (the file's calls and rejects are those its row and its
# progress count; no ratings; each operator's invoices all or none), and
# the same command run again leaves every table (identities compared
# through the keys they name: PostgreSQL never reuses the values a rolled
# back transaction took) and every file exactly as one uninterrupted run.
#
# Needs the cluster's env file in $RATER_TEST_PG_ENV (make check starts
# one) for the server binaries; skipped (77) without it.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 99
export TZ=UTC LC_ALL=C RATER_NOW=2026-12-03T02:00:00Z
cluster_tool=$top_srcdir/tests/tools/pg-cluster.sh
cluster=$work/cluster
trap 'sh "$cluster_tool" stop "$cluster" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
PG_BINDIR=$RATER_TEST_PG_BINDIR sh "$cluster_tool" start "$cluster" 2> cluster.log \
  || { echo "cannot start a cluster of its own:"; cat cluster.log; exit 99; }
# shellcheck disable=SC1091
. "$cluster/env"

# A new database NAME of the cluster; its URI.
new_db () {
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$RATER_TEST_PG" -c "CREATE DATABASE \"$1\"" >&2 \
    || exit 99
  printf '%s\n' "$RATER_TEST_PG" | sed "s|/postgres?|/$1?|"
}

# interrupt NAME MODE CONDITION DATABASE COMMAND...: COMMAND in the
# background; the server stopped in MODE once CONDITION holds on DATABASE,
# then started again.  COMMAND must have failed with 70 and one line on
# stderr about the lost connection (or a connection refused: the server
# shutting down), naming DATABASE.  1 when COMMAND ended
# before the server could be stopped.
interrupt () {
  name=$1 mode=$2 cond=$3 db=$4
  shift 4
  "$@" > "$name.out" 2> "$name.err" &
  pid=$!
  if ! pg_wait "$cond" "$db" "$pid"; then
    wait "$pid"
    echo "$name: ran to its end (exit $?) before the server could be stopped mid-run:"
    cat "$name.err"
    status=1
    return 1
  fi
  sh "$cluster_tool" halt "$cluster" "$mode" || exit 99
  wait "$pid"
  rc=$?
  sh "$cluster_tool" resume "$cluster" || exit 99
  ok=0
  [ $rc = 70 ] || { echo "$name: server stopped ($mode): exit $rc, not 70"; ok=1; }
  lost=$(grep 'lost the connection to database\|cannot connect to database' "$name.err")
  if [ "$(printf '%s' "$lost" | grep -c .)" != 1 ]; then
    echo "$name: server stopped ($mode): not one line about the lost connection"; ok=1
  elif ! printf '%s' "$lost" | grep -qF "'$db'"; then
    echo "$name: server stopped ($mode): the message does not name the database '$db'"; ok=1
  fi
  if grep -v '^rater: ' "$name.err" | grep -q .; then
    echo "$name: server stopped ($mode): lines on stderr that are not rater's"; ok=1
  fi
  [ $ok = 0 ] || { cat "$name.err"; status=1; }
  return 0
}

# The calls and rejects stored are those the file's row counts (with its
# progress, when the file is not complete).
half_file () {
  s=$("$PSQL" -X -At -d "$2" -c "SELECT (SELECT count (*) FROM calls)
        + (SELECT count (*) FROM rejects) || ' ' || coalesce ((SELECT sum (calls + rejects)
        FROM files), 0) || ' ' || (SELECT count (*) FROM ingest_progress)")
  set -- "$1" $s
  [ "$2" = "$3" ] || { echo "$1: $2 calls and rejects stored, $3 counted"; status=1; }
}
# No ratings, or the whole rate's.
half_rate () {
  n=$("$PSQL" -X -At -d "$2" -c "SELECT count (*) FROM ratings")
  [ "$n" = 0 ] || [ "$n" = "$(wc -l < ref-rate/ratings)" ] \
    || { echo "$1: $n ratings stored"; status=1; }
}
# Each operator's invoices (as many as in the dump DIR) and closed periods all or none.
half_issue () {
  "$PSQL" -X -At -F ' ' -d "$2" -c "SELECT o.operator, (SELECT count (*) FROM invoices i
        WHERE i.operator = o.operator), (SELECT count (*) FROM closed_periods p
        JOIN accounts a USING (account) WHERE a.operator = o.operator)
      FROM operators o ORDER BY 1" > "$1.issued"
  while read -r op n closed; do
    want=$(grep -c "^([^,]*,$op," "$3/invoices")
    case "$n $closed" in
      "0 0") ;;
      "$want "*) [ "$closed" -gt 0 ] || { echo "$1: $op issued but not closed"; status=1; } ;;
      *) echo "$1: $op has $n invoices and $closed closed accounts (all: $want)"; status=1 ;;
    esac
  done < "$1.issued"
}
same () {
  if ! diff -r "$2" "$3" > "$1.diff" 2>&1; then
    echo "$1: not the uninterrupted run's:"
    head -c 3000 "$1.diff"
    status=1
  fi
}

# The world: the catalog and the CDRs
mkdir -p world/catalog/decks
awk -v n=2000 -v spec="$top_srcdir/tests/data/spec-catalog/decks/spec.csv" \
  -f "$top_srcdir/tests/bench/gen-deck.awk" > world/catalog/decks/bench.csv
awk -v dir=world -v accounts=150 -v calls=30000 -f "$top_srcdir/tests/bench/gen-world.awk" \
  > world/cdrs.csv 2>/dev/null
cp world/cdrs.csv cdrs.csv
export RATER_INGEST_CHUNK_ROWS=1024

# --- ingest
base=$(new_db base)
"$RATER" --db "$base" -q init && "$RATER" --db "$base" -q catalog import world/catalog \
  || { echo "setup failed"; exit 99; }
ref=$(pg_copy "$base" ref) || exit 99
"$RATER" --db "$ref" -q ingest cdrs.csv 2>/dev/null
[ $? -le 1 ] || { echo "the uninterrupted ingest failed"; exit 1; }
pg_dump_tables "$ref" ref-ingest
for mode in immediate fast; do
  db=$(pg_copy "$base" "ingest_$mode") || exit 99
  if interrupt "ingest-$mode" $mode "SELECT EXISTS (SELECT 1 FROM ingest_progress)" "$db" \
       "$RATER" --db "$db" -q ingest cdrs.csv; then
    half_file "ingest-$mode" "$db"
    "$RATER" --db "$db" -q ingest cdrs.csv 2>/dev/null
    [ $? -le 1 ] || { echo "ingest-$mode: the ingest run again failed"; status=1; }
    pg_dump_tables "$db" "ingest-$mode"
    same "ingest-$mode" ref-ingest "ingest-$mode"
  fi
done

# --- rate (on the ingested database)
ingested=$(pg_copy "$ref" ingested) || exit 99
"$RATER" --db "$ref" -q rate; [ $? -le 1 ] || { echo "the uninterrupted rate failed"; exit 1; }
pg_dump_tables "$ref" ref-rate
db=$(pg_copy "$ingested" rate_immediate) || exit 99
if interrupt rate-immediate immediate "$pg_writing" "$db" "$RATER" --db "$db" -q rate; then
  half_rate rate-immediate "$db"
  "$RATER" --db "$db" -q rate; [ $? -le 1 ] || { echo "rate-immediate: run again: failed"; status=1; }
  pg_dump_tables "$db" rate-immediate
  same rate-immediate ref-rate rate-immediate
fi

# --- invoice issue (on the rated database)
rated=$(pg_copy "$ref" rated) || exit 99
"$RATER" --db "$ref" -q invoice issue --period 2026-11 --format json --out ref-docs
[ $? -le 1 ] || { echo "the uninterrupted issue failed"; exit 1; }
pg_dump_tables "$ref" ref-issue
grep -q . ref-issue/invoices || { echo "nothing issued"; exit 1; }
for how in "fast $pg_writing" \
           "immediate SELECT EXISTS (SELECT 1 FROM invoices)"; do
  mode=${how%% *}
  db=$(pg_copy "$rated" "issue_$mode") || exit 99
  if interrupt "issue-$mode" "$mode" "${how#* }" "$db" \
       "$RATER" --db "$db" -q invoice issue --period 2026-11 --format json --out "docs-$mode"; then
    half_issue "issue-$mode" "$db" ref-issue
    "$RATER" --db "$db" -q invoice issue --period 2026-11 --format json --out "docs-$mode"
    [ $? -le 1 ] || { echo "issue-$mode: run again: failed"; status=1; }
    pg_dump_tables "$db" "issue-$mode"
    same "issue-$mode" ref-issue "issue-$mode"
    same "issue-$mode-documents" ref-docs "docs-$mode"
  fi
done

# --- nightly: the server stopped mid-ingest; the next night stopped
# mid-issue; the night after that
night_tree () { world_night_tree "$1" "$2" cdrs.csv json "kpi;usage-user"; }
night () {
  "$RATER" --db "$2" --progress=never nightly --config "$1/nightly.conf" > "$1.out" 2>&1
  rc=$?
  case $rc in 0|1) ;; *) echo "$1: the night failed ($rc):"; tail -n 5 "$1.out"; status=1 ;; esac
  rm -f "$1/nightly.conf"
  pg_dump_tables "$2" "$1/tables"
}
ref_night=$(new_db ref_night)
night_tree night "$ref_night"
night night "$ref_night"
mv night ref-night
grep -q . ref-night/tables/invoices || { echo "the night issued nothing"; status=1; }
db=$(new_db night)
night_tree night "$db"
if interrupt night-ingest immediate "SELECT EXISTS (SELECT 1 FROM ingest_progress)" "$db" \
     "$RATER" --db "$db" --progress=never nightly --config night/nightly.conf; then
  half_file night-ingest "$db"
  if interrupt night-issue fast "SELECT EXISTS (SELECT 1 FROM invoices)" "$db" \
       "$RATER" --db "$db" --progress=never nightly --config night/nightly.conf; then
    half_issue night-issue "$db" ref-night/tables
    night night "$db"
    same night ref-night night
  fi
fi

[ $status = 0 ] && echo "the server stopped mid-ingest, mid-rate, mid-issue and mid-night:" \
  "exit 70 with one line naming the database; nothing half-applied; run again, the uninterrupted run"
exit $status
