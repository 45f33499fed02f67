#!/bin/sh
# run.sh — a real nightly billing run on the samples: a fresh database in
# samples/out/ (or $RATER_SAMPLES_OUT), the sample CDRs of every format
# dropped into its incoming directories, then `rater nightly` with
# samples/nightly.conf as the night of 2026-12-03 (RATER_NOW): catalog import,
# ingest with archive and quarantine, rating, November issued (issue_day 3),
# December drafted, reports; then the rated calls and rejects exported.
# Exit status: 0, or rater's when above 1 (1 only means some sample records
# were rejected or calls unrated, as some sample rows deliberately are).
set -u
cd "$(dirname "$0")/.."
RATER=${RATER:-./rater/rater}
out=${RATER_SAMPLES_OUT:-samples/out}
: "${RATER_NOW:=2026-12-03T02:00:00Z}"
export RATER_NOW
rm -rf "$out" && mkdir -p "$out/incoming"
for d in samples/cdr/*/; do
  cp -R "$d" "$out/incoming/$(basename "$d")"
done
# the sample config with its paths pointing into this scratch tree
abs_out=$(cd "$out" && pwd)
sed -e "s|= out/|= $abs_out/|" -e "s|= \.\./rates|= $PWD/rates|" samples/nightly.conf > "$out/nightly.conf"
status=0
run () {
  echo "\$ rater $*"
  "$RATER" --db "$out/rater.db" "$@"
  rc=$?
  [ $rc -gt $status ] && status=$rc
  return 0
}
run nightly --config "$out/nightly.conf"
run export calls --out "$out/calls.csv"
run export rejects --out "$out/rejects.csv"
echo "database: $out/rater.db; invoices, drafts and reports: $out/output/;"
echo "rated calls: $out/calls.csv; rejects: $out/rejects.csv"
[ $status -le 1 ] && exit 0
exit $status
