#!/bin/sh
# shard-night.sh — three workers give exactly the night of one (issue 13,
# "Workers in parallel"): the samples' night (as tests/pg/same-results.sh
# runs it: catalog import, ingest of every sample format with archive and
# quarantine, rating, November issued, December drafted, every report) once
# by `rater nightly` alone and once by `rater nightly --shard 1/3`, 2/3 and
# 3/3 started at the same moment against one PostgreSQL database sharing
# the same directories.  Every table of the database (read ordered with
# psql; nightly_shards and rate_last aside, which say how the night ran)
# and every file the night leaves (invoices, documents, drafts, reports,
# archive, quarantine) must be the same, byte for byte.
#
# Needs the cluster's env file in $RATER_TEST_PG_ENV (make check starts
# one); skipped (77) without it.
. "$(dirname "$0")/lib.sh"
one=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "shard_night_one_$$") || exit 99
three=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "shard_night_three_$$") || exit 99

export RATER_NOW=2026-12-03T02:00:00Z TZ=UTC LC_ALL=C

# Every table of DATABASE but the night's bookkeeping, ordered, into DIR/tables/.
dump_tables () {
  database=$1 dir=$2
  mkdir -p "$dir/tables"
  for t in $("$PSQL" -X -At -d "$database" -c "SELECT tablename FROM pg_tables
               WHERE schemaname = 'public' AND tablename NOT IN ('nightly_shards', 'rate_last')
               ORDER BY 1"); do
    "$PSQL" -X -At -v ON_ERROR_STOP=1 -d "$database" \
      -c "SELECT t::text FROM $t t ORDER BY t::text" > "$dir/tables/$t" || status=1
  done
}

# The night in DIR on DATABASE: by one worker (SHARDS 0) or by SHARDS at once.
night () {
  dir=$1 database=$2 shards=$3
  samples_tree "$dir" "$database"
  if [ "$shards" = 0 ]; then
    "$RATER" --db "$database" nightly --config "$dir/nightly.conf" > "$work/one.out" 2>&1
    echo "$?" > "$work/one.status"
  else
    k=1
    while [ $k -le "$shards" ]; do
      "$RATER" --db "$database" nightly --config "$dir/nightly.conf" --shard "$k/$shards" \
        > "$work/shard$k.out" 2>&1 &
      eval "pid$k=\$!"
      k=$((k + 1))
    done
    k=1
    while [ $k -le "$shards" ]; do
      eval "wait \$pid$k"; echo "$?" > "$work/shard$k.status"
      k=$((k + 1))
    done
  fi
  dump_tables "$database" "$dir"
  rm -f "$dir/nightly.conf" "$dir"/output/nightly.lock*
}

night "$work/run" "$one" 0 && mv "$work/run" "$work/one"
night "$work/run" "$three" 3 && mv "$work/run" "$work/three"

for f in "$work"/*.status; do
  case $(cat "$f") in
    0|1|65) ;;
    *) echo "$(basename "$f" .status) failed ($(cat "$f")):"; cat "${f%.status}.out"; status=1 ;;
  esac
done
grep -q 'every shard has rated' "$work"/shard*.out \
  || { echo "no shard did the whole database's steps"; status=1; }
[ "$(grep -l 'every shard has rated' "$work"/shard*.out | wc -l)" = 1 ] \
  || { echo "more than one shard issued"; status=1; }
[ -s "$work/one/tables/ratings" ] || { echo "nothing rated"; status=1; }
ls "$work/one/output/invoices/2026-11/" | grep -q pdf || { echo "nothing issued"; status=1; }
if ! diff -r "$work/one" "$work/three" > "$work/diff" 2>&1; then
  echo "three shards and one run differ:"
  head -c 20000 "$work/diff"
  for k in 1 2 3; do echo "--- shard $k/3:"; cat "$work/shard$k.out"; done
  status=1
fi
[ $status = 0 ] && echo "three shards at once, the night of one: $(ls "$work/three/tables" | wc -l)" \
  "tables and $(find "$work/three" -type f | wc -l) files alike"
exit $status
