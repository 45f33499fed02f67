#!/bin/sh
# kill-issue.sh — issuing killed with SIGKILL (issue 13, "Faults"): a world
# of tests/bench/gen-world.awk (100 accounts of two operators, 20,000 CDR
# rows) ingested and rated on PostgreSQL, then November issued on
# 2026-12-03 (json, csv and pdf documents), each time on a fresh copy:
#   - `rater invoice issue` SIGKILLed while northwind's numbering holds the
#     write lock, once its first documents are on disk, once its documents
#     are recorded (tailspin's turn), and once tailspin's invoices are
#     stored, then run again;
#   - `rater nightly --shard 1/2` and `--shard 2/2` started together on a
#     night's tree, the worker that issues SIGKILLed once the first
#     invoices are stored, then run again.
# After each kill every operator's invoices are all there or none (one
# transaction per operator), numbered 1..n; after the run again the
# database (every table; identities through the keys they name) and the
# documents are exactly those of one uninterrupted run, byte for byte (a
# kill may leave a temporary NAME.rater-tmp-XXXXXX beside them, never a
# half-written document; the nightly removes those), and every document
# recorded in invoice_documents has the digest of the file on disk.
#
# Needs the cluster's env file in $RATER_TEST_PG_ENV (make check starts
# one); skipped (77) without it.
. "$(dirname "$0")/lib.sh"
base=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "kill_issue_base_$$") || exit 99
cd "$work" || exit 99
export TZ=UTC LC_ALL=C RATER_NOW=2026-12-03T02:00:00Z
formats=json,csv,pdf
dbs=""

copy () {
  dbs="$dbs $1"
  pg_copy "$2" "$1"
}

# Each operator's invoices of DATABASE (NAME in messages) all or none of
# the uninterrupted run's (REF, a pg_dump_tables folder), numbered 1..n.
whole () {
  "$PSQL" -X -At -F ' ' -d "$2" -c "SELECT o.operator, count (i.seq), coalesce (max (i.seq), 0),
        count (DISTINCT i.seq), coalesce (min (i.seq), 1)
      FROM operators o LEFT JOIN invoices i ON i.operator = o.operator
      GROUP BY 1 ORDER BY 1" > "$1.numbers"
  while read -r op n max distinct min; do
    all=$(grep -c "^([^,]*,$op," "$3/invoices")
    [ "$n" = 0 ] || [ "$n" = "$all" ] \
      || { echo "$1: $op has $n of its $all invoices"; status=1; }
    [ "$n" = "$max" ] && [ "$n" = "$distinct" ] && [ "$min" = 1 ] \
      || { echo "$1: $op's numbers are not 1..$n: $max, $distinct distinct, from $min"; status=1; }
  done < "$1.numbers"
}

# The documents of folder DIR (NAME in messages) are those of REF, byte
# for byte, temporaries aside; those recorded in DATABASE have the digest
# of the file.
documents () {
  name=$1 dir=$2 ref=$3 db=$4
  if ! diff -r -x '*.rater-tmp-*' "$ref" "$dir" > "$name.documents-diff" 2>&1; then
    echo "$name: not the documents of one run:"; head "$name.documents-diff"; status=1
  fi
  "$PSQL" -X -At -d "$db" -c "SELECT sha256 || '  ' || invoice || '-' || period || '.' || format
      FROM invoice_documents JOIN invoices USING (invoice) ORDER BY 1" > "$name.digests"
  [ -s "$name.digests" ] || { echo "$name: no document recorded"; status=1; }
  (cd "$dir" && sha256sum -c --quiet) < "$name.digests" > "$name.digests-check" 2>&1 \
    || { echo "$name: documents not as recorded:"; head "$name.digests-check"; status=1; }
}

same_tables () {
  if ! diff -r "$2" "$3" > "$1.diff" 2>&1; then
    echo "$1: not the uninterrupted run's tables:"; head -c 3000 "$1.diff"; status=1
  fi
}

# The world, ingested and rated
mkdir -p world/catalog/decks
awk -v n=2000 -v spec="$top_srcdir/tests/data/spec-catalog/decks/spec.csv" \
  -f "$top_srcdir/tests/bench/gen-deck.awk" > world/catalog/decks/bench.csv
awk -v dir=world -v accounts=100 -v calls=20000 -f "$top_srcdir/tests/bench/gen-world.awk" \
  > world/cdrs.csv 2>/dev/null
"$RATER" --db "$base" -q init && "$RATER" --db "$base" -q catalog import world/catalog \
  || { echo "setup failed"; exit 99; }
"$RATER" --db "$base" -q ingest world/cdrs.csv 2>/dev/null; [ $? -le 1 ] || { echo "ingest failed"; exit 99; }
"$RATER" --db "$base" -q rate; [ $? -le 1 ] || { echo "rate failed"; exit 99; }

issue () {
  "$RATER" --db "$1" -q invoice issue --period 2026-11 --format $formats --out "$2"
}
ref=$(copy "kill_issue_ref_$$" "$base") || exit 99
issue "$ref" ref-docs; [ $? -le 1 ] || { echo "the uninterrupted issue failed"; exit 1; }
pg_dump_tables "$ref" ref-tables
whole ref "$ref" ref-tables
grep -q '^([^,]*,tailspin,' ref-tables/invoices || { echo "tailspin issued nothing"; exit 1; }

# The kills, each at a condition (SQL on the database, or a document on disk)
landed=0
for name in numbering documents next last; do
  case $name in
    numbering) cond="$pg_writing AND NOT EXISTS (SELECT 1 FROM invoices)" ;;
    documents) cond="" ;;      # a document on disk
    next) cond="SELECT EXISTS (SELECT 1 FROM invoice_documents)
                  AND NOT EXISTS (SELECT 1 FROM invoices WHERE operator = 'tailspin')" ;;
    last) cond="SELECT EXISTS (SELECT 1 FROM invoices WHERE operator = 'tailspin')" ;;
  esac
  db=$(copy "kill_issue_$name" "$base") || exit 99
  issue "$db" "docs-$name" > "$name.out" 2>&1 &
  pid=$!
  if [ -n "$cond" ]; then
    pg_wait "$cond" "$db" $pid
  else
    i=0
    while [ $i -lt 600 ] && kill -0 $pid 2>/dev/null && [ -z "$(ls "docs-$name" 2>/dev/null)" ]; do
      sleep 0.02
      i=$((i + 1))
    done
  fi
  if kill -KILL $pid 2>/dev/null; then
    landed=$((landed + 1))
  else
    echo "$name: the issue ended before it could be killed there"; status=1
  fi
  wait $pid 2>/dev/null
  whole "kill-$name" "$db" ref-tables
  echo "killed at $name: $(awk '{ printf "%s %s invoices, ", $1, $2 }' "kill-$name.numbers")$(
    ls "docs-$name" 2>/dev/null | grep -vc rater-tmp) documents on disk"
  issue "$db" "docs-$name" >> "$name.out" 2>&1
  [ $? -le 1 ] || { echo "$name: the issue run again failed:"; cat "$name.out"; status=1; }
  pg_dump_tables "$db" "tables-$name"
  same_tables "kill-$name" ref-tables "tables-$name"
  documents "kill-$name" "docs-$name" ref-docs "$db"
done

# A nightly worker killed while it issues: two shards, the one that issues
# (the last to finish rating) killed once invoices are stored.
night_tree () { world_night_tree "$1" "$2" world/cdrs.csv "$(echo "$formats" | tr , ';')" kpi; }
finish_night () {
  rm -f "$1/nightly.conf" "$1.lock"
  pg_dump_tables "$2" "$1/tables"
  rm -f "$1/tables/nightly_shards"   # which shard did what: how the night ran
}
one=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "kill_issue_one_$$") || exit 99
dbs="$dbs kill_issue_one_$$"
night_tree night "$one"
"$RATER" --db "$one" nightly --config night/nightly.conf > one.out 2>&1
[ $? -le 1 ] || { echo "the night of one worker failed:"; tail -n 5 one.out; status=1; }
finish_night night "$one"
mv night one-night
two=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "kill_issue_two_$$") || exit 99
dbs="$dbs kill_issue_two_$$"
night_tree night "$two"
for k in 1 2; do
  "$RATER" --db "$two" nightly --config night/nightly.conf --shard $k/2 > "shard$k.out" 2>&1 &
  eval "pid$k=\$!"
done
if pg_wait "SELECT EXISTS (SELECT 1 FROM invoices)" "$two" "$pid1 $pid2"; then
  killed=""
  for k in 1 2; do
    eval "pid=\$pid$k"
    kill -KILL "$pid" 2>/dev/null && killed="$killed $k"
  done
  [ -n "$killed" ] || { echo "no worker was left to kill once invoices were stored"; status=1; }
else
  echo "the two workers stored no invoice"; status=1; killed=""
fi
for k in 1 2; do eval "wait \$pid$k" 2>/dev/null; done
whole night-killed "$two" one-night/tables
for k in $killed; do
  "$RATER" --db "$two" nightly --config night/nightly.conf --shard $k/2 >> "shard$k.out" 2>&1
  [ $? -le 1 ] || { echo "shard $k/2 run again failed:"; tail -n 5 "shard$k.out"; status=1; }
done
finish_night night "$two"
if ! diff -r one-night night > night.diff 2>&1; then
  echo "a worker killed while issuing, run again: not the night of one worker:"
  head -c 3000 night.diff
  status=1
fi

for d in $dbs; do
  "$PSQL" -X -q -d "$base" -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1
done
[ $status = 0 ] && echo "issuing killed at $landed points, and nightly shard(s)$killed of 2 while" \
  "issuing: run again, the invoices, numbers and documents of one run"
exit $status
