#!/bin/sh
# bench-rate.sh RATER — `make bench`: `rater rate` end to end against plain SQL.
#
# Generates BENCH_CALLS (default 10,000,000) canonical CDR rows with
# gen-cdrs.awk, and a catalog: tests/data/spec-catalog with decks/spec.csv
# replaced by BENCH_DECK_ROWS (default 50,000) generated rows — the five spec
# rows plus nested prefixes under ~70 country codes (44, 447, 4420, 447700,
# 44207946, 33, 331, 49, 4930, 1, 1212, 1212555, ...), all four bands, ~3% of
# prefixes changing price on 2026-11-15, ~1% new on 2026-11-20, ~10% inbound.
# Then `rater init`, `catalog import`, `ingest`, and times, on that database:
#   rater rate    read every call, rate it (local time, band, longest-prefix
#                 row, billable, charge), write the ratings, apply bundles —
#                 one transaction; target <= 20 s for 10M calls
#   plain SQL     what a small operator would write in SQLite: per call a
#                 correlated subquery picking the longest prefix with LIKE,
#                 then billable and charge from that row.  Bands are left out
#                 (SQLite has no IANA zones): the subquery takes any band's
#                 row of the longest prefix.  It scans the deck per call (~5 ms),
#                 so it runs on the first BENCH_SQL_SAMPLE (default 5,000)
#                 calls and is scaled to BENCH_CALLS.
# and prints seconds, calls/s and the ratio.  Exits non-zero when SQL and
# rater pick a different prefix for a rated sampled call.
set -eu
RATER=${1:-$(dirname "$0")/../../rater/rater}
CALLS=${BENCH_CALLS:-10000000}
DECK_ROWS=${BENCH_DECK_ROWS:-50000}
SAMPLE=${BENCH_SQL_SAMPLE:-5000}
SQLITE3=${SQLITE3:-sqlite3}
[ "$SAMPLE" -le "$CALLS" ] || SAMPLE=$CALLS
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/rater-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

now_ms () { date +%s%3N; }
rate () { echo "$1 $2" | awk '{ printf "%.0f", $1 * 1000 / $2 }'; }
secs () { echo "$1" | awk '{ printf "%.2f", $1 / 1000 }'; }
has_time=0
[ -x /usr/bin/time ] && has_time=1

# The deck: the spec rows first, then generated prefixes until DECK_ROWS rows.
gen_deck () {
  awk -v n="$DECK_ROWS" -v spec="$top/tests/data/spec-catalog/decks/spec.csv" -f "$here/gen-deck.awk"
}

echo "generating $CALLS calls and a $DECK_ROWS-row deck..."
awk -v n="$CALLS" -v op=northwind -f "$here/gen-cdrs.awk" > "$work/cdrs.csv"
cp -R "$top/tests/data/spec-catalog" "$work/catalog"
chmod -R u+w "$work/catalog"
gen_deck > "$work/catalog/decks/spec.csv"
db="$work/rater.db"
"$RATER" --db "$db" -q init
"$RATER" --db "$db" -q catalog import "$work/catalog"
t0=$(now_ms)
"$RATER" --db "$db" -q ingest --operator northwind "$work/cdrs.csv"
t1=$(now_ms)
echo "deck rows: $("$SQLITE3" "$db" "SELECT count(*) FROM deck_rows")," \
  "stored calls: $("$SQLITE3" "$db" "SELECT count(*) FROM calls") (ingest $(secs $((t1 - t0))) s)"

# rater rate: exit status 1 only says some calls are unrated (here: calls
# from +441632960002 before its number was assigned on 2026-11-16)
echo
st=0
t0=$(now_ms)
if [ $has_time = 1 ]; then
  /usr/bin/time -f "%M" -o "$work/mem" "$RATER" --db "$db" rate > "$work/rate.out" || st=$?
  mem="$(($(tail -n 1 "$work/mem") / 1024)) MiB"
else
  "$RATER" --db "$db" rate > "$work/rate.out" || st=$?
  mem="n/a"
fi
t1=$(now_ms)
rate_ms=$((t1 - t0))
sed 's/^/  /' "$work/rate.out"
[ $st -le 1 ] || { echo "rater rate failed with status $st" >&2; exit 1; }

# plain SQL on the first SAMPLE calls, bands left out
t0=$(now_ms)
"$SQLITE3" "$db" <<EOF
CREATE TABLE sql_rated AS
SELECT r.id, d.prefix,
       CASE WHEN d.rowid IS NULL OR r.duration <= 0 THEN 0
            ELSE d.inc_first + max(0, (r.duration - d.inc_first + d.inc_next - 1) / d.inc_next) * d.inc_next
       END AS billable,
       r.call_decimals, d.rate, d.connect_fee
  FROM (SELECT c.id, c.duration, p.call_decimals,
               (SELECT d.rowid FROM deck_rows d
                 WHERE d.deck = p.deck AND d.direction = c.direction
                   AND c.callee LIKE d.prefix || '%'
                   AND d.effective_from <= c.start_ms
                   AND (d.effective_to IS NULL OR c.start_ms < d.effective_to)
                 ORDER BY length(d.prefix) DESC LIMIT 1) AS deck_row
          FROM calls c
          JOIN accounts a ON a.account = c.account
          JOIN plans p ON p.plan = a.plan
         WHERE c.id < (SELECT min(id) FROM calls) + $SAMPLE) r
  LEFT JOIN deck_rows d ON d.rowid = r.deck_row;
CREATE TABLE sql_charged AS
SELECT id, prefix, billable,
       CASE WHEN billable = 0 THEN 0
            ELSE (connect_fee + (billable * rate + 59) / 60 + unit - 1) / unit * unit
       END AS charge
  FROM (SELECT *, CAST(substr('1000000', 1, 7 - call_decimals) AS INTEGER) AS unit FROM sql_rated);
EOF
t1=$(now_ms)
sql_ms=$((t1 - t0))
sql_scaled_ms=$(echo "$sql_ms $CALLS $SAMPLE" | awk '{ printf "%.0f", $1 * $2 / $3 }')
check=$("$SQLITE3" -separator ' ' "$db" "SELECT count(*), total(s.prefix IS r.prefix)
  FROM sql_charged s JOIN ratings r ON r.call_id = s.id WHERE r.status = 'rated'")
checked=${check% *}; agreed=$(echo "${check#* }" | awk '{ printf "%d", $1 }')

echo
printf '%-30s %9d calls %8s s %10s calls/s   peak %s\n' "rater rate (read, rate, write)" \
  "$CALLS" "$(secs "$rate_ms")" "$(rate "$CALLS" "$rate_ms")" "$mem"
printf '%-30s %9d calls %8s s %10s calls/s   (measured: %d calls in %s s, scaled)\n' \
  "plain SQL, bands left out" "$CALLS" "$(secs "$sql_scaled_ms")" "$(rate "$CALLS" "$sql_scaled_ms")" \
  "$SAMPLE" "$(secs "$sql_ms")"
echo "  rater/SQL: $(echo "$sql_scaled_ms $rate_ms" | awk '{ printf "%.0f", $1 / $2 }')x faster;" \
  "target for rater rate: <= 20 s for 10M calls"
echo "  SQL and rater pick the same prefix for $agreed of $checked rated sampled calls"
[ "$agreed" = "$checked" ]
