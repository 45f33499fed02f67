#!/bin/sh
# run.sh — the pipeline on the sample files, as far as it exists: a fresh
# database in samples/out/ (or $RATER_SAMPLES_OUT), the sample catalog, every
# sample CDR format, rating, and the exports.
# Exit status: 0, or rater's when above 1 (1 only means some sample records
# were rejected or calls unrated, as some sample rows deliberately are).
set -u
cd "$(dirname "$0")/.."
RATER=${RATER:-./rater/rater}
out=${RATER_SAMPLES_OUT:-samples/out}
rm -rf "$out" && mkdir -p "$out"
db="$out/rater.db"
status=0
run () {
  echo "\$ rater $*"
  "$RATER" --db "$db" "$@"
  rc=$?
  [ $rc -gt $status ] && status=$rc
  return 0
}
run init
run catalog import rates
run ingest --country GB samples/cdr/rater/northwind-2026-11-a.csv samples/cdr/rater/northwind-2026-11-b.csv
run ingest --operator northwind --country GB samples/cdr/teams-pstn/PSTN.calls.2026-11-23.csv
run ingest --operator tailspin --country US samples/cdr/teams-dr/DirectRouting.calls.2026-11-23.csv \
  samples/cdr/teams-dr/DirectRouting.calls.2026-11-16-legacy.csv
run ingest --operator tailspin --format asterisk --country US --tz America/New_York samples/cdr/asterisk/Master.csv
run ingest --operator tailspin --format freeswitch --country US --tz America/New_York samples/cdr/freeswitch/Master.csv
run ingest --operator northwind --format profile:audiocodes --country GB samples/cdr/audiocodes/sbc-cdr-2026-11-23.log
run rate
run export calls --out "$out/calls.csv"
run export rejects --out "$out/rejects.csv"
echo "database: $db; rated calls: $out/calls.csv; rejects: $out/rejects.csv"
[ $status -le 1 ] && exit 0
exit $status
