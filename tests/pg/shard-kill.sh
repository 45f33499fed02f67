#!/bin/sh
# shard-kill.sh — a worker killed mid-rate (issue 13, "Faults"): 200,000
# calls of tests/data/spec-catalog's accounts rated by `rater rate --shard
# 1/3`, 2/3 and 3/3 started together on one PostgreSQL database, shard 2
# (the one with the most calls: contoso's) SIGKILLed after 0.5, 1.5 and
# 2.5 s (a fresh copy of the ingested database each time), then run again:
# the other shards are not disturbed and the database ends exactly where
# one uninterrupted `rater rate` leaves it — every rating and every report
# aggregate.  At least one kill must land while shard 2 was running.
#
# Needs the cluster's env file in $RATER_TEST_PG_ENV (make check starts
# one); skipped (77) without it.
. "$(dirname "$0")/lib.sh"
base=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "shard_kill_base_$$") || exit 99
cd "$work" || exit 99
export TZ=UTC LC_ALL=C

# The ratings and the report aggregates of DATABASE, ordered, into FILE.
dump () {
  for t in ratings agg_kpi agg_day agg_number agg_destination agg_journal; do
    echo "== $t"
    "$PSQL" -X -At -v ON_ERROR_STOP=1 -d "$1" -c "SELECT t::text FROM $t t ORDER BY t::text"
  done > "$2"
}

awk -v n=200000 -v op=northwind -f "$top_srcdir/tests/bench/gen-cdrs.awk" > big.csv
"$RATER" --db "$base" -q init && "$RATER" --db "$base" -q catalog import "$top_srcdir/tests/data/spec-catalog" \
  && { "$RATER" --db "$base" -q ingest big.csv 2>/dev/null; [ $? -le 1 ]; } || { echo "setup failed"; exit 99; }

ref=$(pg_copy "$base" "shard_kill_ref_$$") || exit 99
"$RATER" --db "$ref" -q rate; [ $? -le 1 ] || { echo "the reference rate failed"; exit 1; }
dump "$ref" ref.txt
grep -q ',contoso,' ref.txt || { echo "nothing rated for contoso"; status=1; }

landed=0
for delay in 0.5 1.5 2.5; do
  db=$(pg_copy "$base" "shard_kill_$$") || exit 99
  for k in 1 2 3; do
    "$RATER" --db "$db" -q rate --shard $k/3 > "rate$k.out" 2>&1 &
    eval "pid$k=\$!"
  done
  sleep $delay
  if kill -KILL "$pid2" 2>/dev/null; then landed=$((landed + 1)); fi
  wait "$pid2" 2>/dev/null
  for k in 1 3; do
    eval "wait \$pid$k"; rc=$?
    [ $rc -le 1 ] || { echo "shard $k/3 failed ($rc) beside the killed one:"; cat "rate$k.out"; status=1; }
  done
  "$RATER" --db "$db" -q rate --shard 2/3 > again.out 2>&1
  [ $? -le 1 ] || { echo "shard 2/3 run again failed:"; cat again.out; status=1; }
  dump "$db" sharded.txt
  if ! cmp -s ref.txt sharded.txt; then
    echo "killed after $delay s, then run again: not the uninterrupted rate:"
    diff ref.txt sharded.txt | head -20
    status=1
  fi
done
[ $landed -ge 1 ] || { echo "no kill landed while shard 2 was running"; status=1; }
"$PSQL" -X -q -d "$base" -c "DROP DATABASE IF EXISTS \"shard_kill_$$\" WITH (FORCE)" \
  -c "DROP DATABASE IF EXISTS \"shard_kill_ref_$$\" WITH (FORCE)" >/dev/null 2>&1
[ $status = 0 ] && echo "shard 2 killed mid-rate $landed times, run again: the uninterrupted rate"
exit $status
