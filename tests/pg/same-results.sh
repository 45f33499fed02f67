#!/bin/sh
# same-results.sh — the samples' night on PostgreSQL gives exactly what it
# gives on SQLite (issue 13): the run of samples/run.sh (catalog import,
# ingest of every sample format with archive and quarantine, rating,
# November issued, December drafted, every report) then the calls and
# rejects exported, once with an SQLite file and once with a fresh database
# of the test cluster (tests/tools/pg-cluster.sh); every output file,
# invoice, document digest, report, export and message must be the same,
# byte for byte (the database's name aside).
#
# Needs the cluster's env file in $RATER_TEST_PG_ENV (make check starts
# one); skipped (77) without it.
. "$(dirname "$0")/lib.sh"
uri=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "same_results_$$") || exit 99

export RATER_NOW=2026-12-03T02:00:00Z TZ=UTC LC_ALL=C

# One night on DATABASE, in the scratch tree DIR (the samples' run.sh, its
# database swapped for DATABASE).
night () {
  dir=$1 database=$2
  samples_tree "$dir" "$database"
  {
    "$RATER" --db "$database" nightly --config "$dir/nightly.conf"; echo "nightly: $?"
    "$RATER" --db "$database" export calls --out "$dir/calls.csv"; echo "export calls: $?"
    "$RATER" --db "$database" export rejects --out "$dir/rejects.csv"; echo "export rejects: $?"
    "$RATER" --db "$database" files list; echo "files: $?"
  } > "$dir/stdout" 2> "$dir/stderr"
  # the database's name and the scratch folder are the only differences allowed
  sed -i -e "s#$(printf '%s' "$database" | sed 's/[][\\.*^$#]/\\&/g')#DATABASE#g" \
      -e "s#$dir#DIR#g" "$dir/stdout" "$dir/stderr"
  rm -f "$dir/nightly.conf" "$dir/rater.db" "$dir/rater.db-wal" "$dir/rater.db-shm" \
        "$dir/rater.db.lock" "$dir/output/nightly.lock"
}

# both in the same folder, which the files, rejects and reports name
night "$work/run" "$work/run/rater.db" && mv "$work/run" "$work/sqlite"
night "$work/run" "$uri" && mv "$work/run" "$work/pg"

grep -q 'nightly: [01]$' "$work/sqlite/stdout" || { echo "the SQLite night failed:"; cat "$work/sqlite/stdout" "$work/sqlite/stderr"; status=1; }
if ! diff -r "$work/sqlite" "$work/pg" > "$work/diff" 2>&1; then
  echo "PostgreSQL and SQLite differ:"
  head -c 20000 "$work/diff"
  status=1
fi
[ $status = 0 ] && echo "the same night on SQLite and PostgreSQL: $(find "$work/pg" -type f | wc -l) files alike"
exit $status
