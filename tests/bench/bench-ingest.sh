#!/bin/sh
# bench-ingest.sh RATER — `make bench`: ingest speed against sqlite3 .import.
#
# Generates BENCH_ROWS (default 5,000,000) canonical CDR rows, then in the
# same run times, on the same file:
#   baseline   sqlite3 .import --csv into a plain table (WAL, synchronous=FULL)
#   rater      rater ingest (parse, normalise, resolve accounts, dedup index,
#              one durable transaction) — as built, and pinned to one core
# and prints rows/s, the ratio to the baseline and rater's peak memory.
set -eu
RATER=${1:-$(dirname "$0")/../../rater/rater}
ROWS=${BENCH_ROWS:-5000000}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/rater-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

now_ms () { date +%s%3N; }
rate () { echo "$1 $2" | awk '{ printf "%.0f", $1 * 1000 / $2 }'; }
ratio () { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
has_time=0
[ -x /usr/bin/time ] && has_time=1

echo "generating $ROWS rows..."
awk -v n="$ROWS" -v op=northwind -f "$here/gen-cdrs.awk" > "$work/cdrs.csv"
bytes=$(wc -c < "$work/cdrs.csv")
echo "file: $(awk -v b="$bytes" 'BEGIN { printf "%.0f MiB", b / 1048576 }')"

# baseline: the sqlite3 shell importing the same file into a plain table
t0=$(now_ms)
sqlite3 "$work/import.db" "PRAGMA journal_mode=WAL" "PRAGMA synchronous=FULL" \
  ".import --csv $work/cdrs.csv cdrs" >/dev/null
t1=$(now_ms)
import_ms=$((t1 - t0))

run_rater () {   # $1: label, $2...: command prefix (e.g. taskset)
  label=$1; shift
  rm -f "$work/rater.db"*
  "$RATER" --db "$work/rater.db" -q init
  "$RATER" --db "$work/rater.db" -q catalog import "$top/tests/data/spec-catalog"
  t0=$(now_ms)
  if [ $has_time = 1 ]; then
    /usr/bin/time -f "%M" -o "$work/mem" "$@" "$RATER" --db "$work/rater.db" -q ingest --operator northwind "$work/cdrs.csv"
    mem="$(($(cat "$work/mem") / 1024)) MiB"
  else
    "$@" "$RATER" --db "$work/rater.db" -q ingest --operator northwind "$work/cdrs.csv"
    mem="n/a"
  fi
  t1=$(now_ms)
  ms=$((t1 - t0))
  printf '%-28s %8d ms %10s rows/s %6sx import   peak %s\n' "$label" "$ms" "$(rate "$ROWS" "$ms")" \
    "$(ratio "$ms" "$import_ms")" "$mem"
}

echo
printf '%-28s %8d ms %10s rows/s %6sx import\n' "sqlite3 .import (baseline)" "$import_ms" \
  "$(rate "$ROWS" "$import_ms")" "1.00"
run_rater "rater ingest (2 threads)" env
if command -v taskset >/dev/null 2>&1; then
  run_rater "rater ingest (1 core)" taskset -c 0
fi
count=$(sqlite3 "$work/rater.db" "SELECT count(*) FROM calls")
echo "stored calls: $count (expected $ROWS)"
[ "$count" = "$ROWS" ]
