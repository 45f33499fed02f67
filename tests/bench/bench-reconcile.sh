#!/bin/sh
# bench-reconcile.sh RATER — `make bench`: reconcile speed against baselines.
#
# Generates with gen-reconcile.awk a Teams PSTN export and the operator's SBC
# CDRs of about BENCH_RECONCILE_ROWS (default 1,000,000) records each — SBC
# clock 3 s ahead with jitter, 1% missing on each side, 0.5% one second
# longer, 10% sharing the Teams key, German callees masked — then times, in
# the same run and on the same files:
#   sort + join    LC_ALL=C sort of both files on the first column and a
#                  join on it: the shell way to reconcile by key alone (it
#                  matches only the 10% that share a key)
#   rater ingest   both files into a scratch database (the same reading and
#                  normalisation, plus storage): what reconciling in SQL
#                  would have to do first
#   rater reconcile  read both (two threads), match by key then by time,
#                  write every result file — without charges, and with
#                  charges against the spec catalog
# and prints the times, records/s and rater's peak memory.  Figures, not
# assertions: the target is under 30 s for 1M against 1M on 2 cores.
set -eu
RATER=${1:-$(dirname "$0")/../../rater/rater}
ROWS=${BENCH_RECONCILE_ROWS:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/rater-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

now_ms () { date +%s%3N; }
rate () { echo "$1 $2" | awk '{ printf "%.0f", $1 * 1000 / $2 }'; }
has_time=0
[ -x /usr/bin/time ] && has_time=1

# each side loses 1% of the calls: generate enough that both keep ROWS
n=$((ROWS + ROWS / 99 + 1))
echo "generating two files of ~$ROWS records..."
awk -v n="$n" -v left="$work/sbc.csv" -v right="$work/teams.csv" -f "$here/gen-reconcile.awk"
lrows=$(($(wc -l < "$work/sbc.csv") - 1))
rrows=$(($(wc -l < "$work/teams.csv") - 1))
total=$((lrows + rrows))
echo "sbc.csv: $lrows records, teams.csv: $rrows records," \
  "$(cat "$work/sbc.csv" "$work/teams.csv" | wc -c | awk '{ printf "%.0f MiB", $1 / 1048576 }')"
echo

line () {   # label ms [peak]
  printf '%-34s %8d ms %10s records/s   %s\n' "$1" "$2" "$(rate "$total" "$2")" "${3:-}"
}

# baseline 1: sort both files on the key and join them
t0=$(now_ms)
tail -n +2 "$work/sbc.csv" | LC_ALL=C sort -t, -k1,1 > "$work/sbc.sorted"
tail -n +2 "$work/teams.csv" | LC_ALL=C sort -t, -k1,1 > "$work/teams.sorted"
LC_ALL=C join -t, "$work/sbc.sorted" "$work/teams.sorted" > "$work/joined"
t1=$(now_ms)
line "sort + join on the key (baseline)" $((t1 - t0)) "($(wc -l < "$work/joined") joined)"
rm -f "$work"/*.sorted "$work/joined"

# baseline 2: rater ingest of both files into a scratch database
"$RATER" --db "$work/rater.db" -q init
"$RATER" --db "$work/rater.db" -q catalog import "$top/tests/data/spec-catalog"
t0=$(now_ms)
"$RATER" --db "$work/rater.db" -q ingest --operator northwind "$work/sbc.csv" "$work/teams.csv"
t1=$(now_ms)
line "rater ingest of both (baseline)" $((t1 - t0))
rm -f "$work/rater.db"*

run_reconcile () {   # label, then options
  label=$1; shift
  t0=$(now_ms)
  if [ $has_time = 1 ]; then
    /usr/bin/time -f "%M" -o "$work/mem" "$RATER" --db "$work/rater.db" reconcile \
      --left "$work/sbc.csv" --right "$work/teams.csv" --operator northwind --out "$work/out" "$@" \
      > "$work/summary"
    mem="peak $(($(cat "$work/mem") / 1024)) MiB"
  else
    "$RATER" --db "$work/rater.db" reconcile --left "$work/sbc.csv" --right "$work/teams.csv" \
      --operator northwind --out "$work/out" "$@" > "$work/summary"
    mem=""
  fi
  t1=$(now_ms)
  line "$label" $((t1 - t0)) "$mem"
}

run_reconcile "rater reconcile" --no-charges
"$RATER" --db "$work/rater.db" -q init
"$RATER" --db "$work/rater.db" -q catalog import "$top/tests/data/spec-catalog"
run_reconcile "rater reconcile, with charges"
echo
cat "$work/summary"
