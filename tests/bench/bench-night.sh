#!/bin/sh
# bench-night.sh RATER — `make bench`: the night of issue 10, stage by stage.
#
# For each size in BENCH_NIGHT_SIZES (default: BENCH_NIGHT_CALLS, default
# 10,000,000 CDR rows) it generates a world (gen-deck.awk, gen-world.awk):
# BENCH_NIGHT_ACCOUNTS (default 1,000) accounts of 2 operators (EUR, USD) in 3
# time zones, ~20 numbers each, one BENCH_NIGHT_DECK_ROWS (default 50,000) row
# deck with nested prefixes and peak/offpeak/weekend bands, plans with bundles,
# and one CDR file over November 2026 (canonical rater CSV; 1% duplicate rows,
# 0.1% bad rows).  Then, in the same run, with RATER_NOW=2026-12-03T02:00:00Z:
#   baselines  sqlite3 .import of the CDR file into a plain table (WAL,
#              synchronous=FULL); sql-baseline.sql (plain-SQL longest-prefix
#              rating) on the first 1,000,000 rows;
#   night      the whole `rater nightly` (catalog, ingest, rate, issue November
#              with json;csv;html;pdf, drafts, every report of both periods);
#   stages     the same work as separate commands on a fresh database: catalog
#              import, ingest, rate, catalog import of the deck with a few
#              changed rows and the re-rate, invoice draft and invoice issue of
#              2026-11 (all formats), each report of 2026-11;
# and prints one table: seconds, calls/s and peak RSS (/usr/bin/time) of each,
# the ratios issue 10 asks for and its goals next to them, and the load.
# BENCH_NIGHT_PARTS (default "baselines night stages") picks the parts and their
# order; BENCH_NIGHT_TIMEOUT=S stops any one command after S seconds (timeout(1))
# and records it as such.  Exits non-zero when a command failed (exit status above
# 1) or was stopped.
set -eu
RATER=${1:-$(dirname "$0")/../../rater/rater}
SIZES=${BENCH_NIGHT_SIZES:-${BENCH_NIGHT_CALLS:-10000000}}
ACCOUNTS=${BENCH_NIGHT_ACCOUNTS:-1000}
DECK_ROWS=${BENCH_NIGHT_DECK_ROWS:-50000}
PARTS=${BENCH_NIGHT_PARTS:-baselines night stages}
TIMEOUT=${BENCH_NIGHT_TIMEOUT:-0}
SQL_CALLS=1000000
SQLITE3=${SQLITE3:-sqlite3}
export RATER_NOW=2026-12-03T02:00:00Z
PERIOD=2026-11
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
case $RATER in /*) ;; *) RATER=$(pwd)/$RATER ;; esac
tmp=${TMPDIR:-/tmp}

for part in $PARTS; do
  case $part in baselines|night|stages) ;; *) echo "bench-night: unknown part '$part'" >&2; exit 64 ;; esac
done
load () { uptime | sed 's/.*load average: *//'; }

# Disk: about 1.1 KB per CDR row for the largest size (the file, the .import
# table, one rater database with its WAL, the documents), plus 1 GB.
max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
need_kb=$((max * 11 / 10 + 1048576))
avail_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ "$avail_kb" -lt "$need_kb" ]; then
  echo "bench-night: $max calls need about $((need_kb / 1048576 + 1)) GB free in $tmp;" \
    "only $((avail_kb / 1048576)) GB are: free space, set TMPDIR or lower BENCH_NIGHT_CALLS" >&2
  exit 1
fi

work=$(mktemp -d "$tmp/rater-bench-night-XXXXXX")
trap 'rm -rf "$work"' EXIT
results=$work/results    # size stage seconds kib status
: > "$results"

if [ -x /usr/bin/time ]; then has_time=1; else
  has_time=0
  echo "bench-night: /usr/bin/time is missing (Debian package 'time'): peak memory prints as '-'"
fi
now_ns () { date +%s%N; }
fails=0

# timed SIZE STAGE CMD...: runs CMD, appends "SIZE STAGE SECONDS KIB STATUS"
# (exit status 1 means rejects or unrated calls here: expected).
timed () {
  size=$1 stage=$2; shift 2
  [ "$TIMEOUT" = 0 ] || set -- timeout "$TIMEOUT" "$@"
  st=0
  if [ $has_time = 1 ]; then
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$work/out" 2> "$work/err" || st=$?
    set -- $(tail -n 1 "$work/time")
    secs=$1 kib=$2
  else
    t0=$(now_ns)
    "$@" > "$work/out" 2> "$work/err" || st=$?
    t1=$(now_ns)
    secs=$(echo "$t0 $t1" | awk '{ printf "%.2f", ($2 - $1) / 1e9 }') kib=-
  fi
  if [ "$TIMEOUT" != 0 ] && [ $st = 124 ]; then
    fails=$((fails + 1))
    echo "  $stage stopped after $TIMEOUT s (BENCH_NIGHT_TIMEOUT)" >&2
  elif [ $st -gt 1 ]; then
    fails=$((fails + 1))
    echo "  $stage failed with status $st:" >&2
    tail -n 5 "$work/err" | sed 's/^/    /' >&2
  fi
  echo "$size $stage $secs $kib $st" >> "$results"
  printf '  %-22s %9s s %9s KiB  status %d\n' "$stage" "$secs" "$kib" "$st"
}

echo "night benchmark: sizes $SIZES; $ACCOUNTS accounts, $DECK_ROWS-row deck; parts: $PARTS"
echo "load at start: $(load)"
load_start=$(load)
started=$(now_ns)

for n in $SIZES; do
  w=$work/$n
  mkdir -p "$w/catalog/decks"
  echo
  echo "== $n calls: generating the world..."
  awk -v n="$DECK_ROWS" -v spec="$top/tests/data/spec-catalog/decks/spec.csv" \
    -f "$here/gen-deck.awk" > "$w/catalog/decks/bench.csv"
  awk -v dir="$w" -v accounts="$ACCOUNTS" -v calls="$n" -f "$here/gen-world.awk" > "$w/cdrs.csv"
  echo "  file: $(($(wc -c < "$w/cdrs.csv") / 1048576)) MiB; load $(load)"
  # the catalog change of the re-rate: every 5,000th generated row's rate + 0.001
  cp -R "$w/catalog" "$w/catalog2"
  awk -F, -v OFS=, 'NR > 6 && NR % 5000 == 0 { $6 = sprintf("%.6f", $6 + 0.001); changed++ } { print }
    END { print changed " deck rows changed for the re-rate" > "/dev/stderr" }' \
    "$w/catalog/decks/bench.csv" > "$w/catalog2/decks/bench.csv"

  part_baselines () {
    echo "-- baselines"
    timed "$n" import "$SQLITE3" "$w/import.db" "PRAGMA journal_mode=WAL" "PRAGMA synchronous=FULL" \
      ".import --csv $w/cdrs.csv cdrs"
    rm -f "$w/import.db"*
    # sql-baseline.sql on the first SQL_CALLS rows: one row per outbound prefix (bands
    # and effective dates left out, as the query has no notion of them)
    m=$n; [ "$m" -le $SQL_CALLS ] || m=$SQL_CALLS
    head -n $((m + 1)) "$w/cdrs.csv" > "$w/sql-calls.csv"
    awk -F, 'NR == 1 || ($4 == "out" && !seen[$1]++)' "$w/catalog/decks/bench.csv" > "$w/sql-deck.csv"
    "$SQLITE3" "$w/sql.db" ".import --csv $w/sql-calls.csv calls" ".import --csv $w/sql-deck.csv deck"
    rm -f "$w/sql-calls.csv"
    timed "$n" sql-baseline "$SQLITE3" "$w/sql.db" ".read $here/sql-baseline.sql"
    echo "    (SQL rated $m rows: count, with a prefix, sum of charges: $(tail -n 1 "$work/out"))"
    rm -f "$w/sql.db"* "$w/sql-deck.csv"
  }

  part_night () {
    echo "-- rater nightly"
    mkdir -p "$w/night/incoming"
    ln "$w/cdrs.csv" "$w/night/incoming/cdrs.csv" 2>/dev/null || cp "$w/cdrs.csv" "$w/night/incoming/"
    cat > "$w/night/nightly.conf" <<EOF
[nightly]
database = rater.db
catalog = ../catalog
output = output
archive = archive
quarantine = quarantine
issue_day = 3
drafts = true
invoice_formats = json;csv;html;pdf
reports = usage-user;usage-destination;usage-day;kpi;exceptions;chart
report_format = csv
threads = 0

[source cdrs]
dir = incoming
format = rater
EOF
    timed "$n" nightly "$RATER" nightly --config "$w/night/nightly.conf"
    tail -n 1 "$work/err" | sed 's/^/    /'
    echo "    issued documents: $(find "$w/night/output/invoices" -type f 2>/dev/null | wc -l)," \
      "drafts: $(find "$w/night/output/drafts" -type f 2>/dev/null | wc -l)," \
      "report files: $(find "$w/night/output/reports" -type f 2>/dev/null | wc -l)," \
      "database: $(du -sm "$w/night" | cut -f1) MiB in all"
    rm -rf "$w/night"
  }

  part_stages () {
    echo "-- the same steps as separate commands, on a fresh database"
    db=$w/stages/rater.db out=$w/stages/out
    mkdir -p "$out"
    "$RATER" --db "$db" -q init
    timed "$n" catalog-import "$RATER" --db "$db" catalog import "$w/catalog"
    timed "$n" ingest "$RATER" --db "$db" ingest "$w/cdrs.csv"
    sed 's/^/    /' "$work/out" | tail -n 2
    timed "$n" rate "$RATER" --db "$db" rate
    sed 's/^/    /' "$work/out" | tail -n 2
    timed "$n" catalog-change "$RATER" --db "$db" catalog import "$w/catalog2"
    timed "$n" re-rate "$RATER" --db "$db" rate
    timed "$n" invoice-draft "$RATER" --db "$db" invoice draft --period $PERIOD --out "$out/drafts" \
      --format json,csv,html,pdf
    timed "$n" invoice-issue "$RATER" --db "$db" invoice issue --period $PERIOD --out "$out/invoices" \
      --format json,csv,html,pdf
    for by in user destination day; do
      timed "$n" usage-$by "$RATER" --db "$db" report usage --by $by --period $PERIOD \
        --out "$out/usage-$by.csv"
    done
    timed "$n" kpi "$RATER" --db "$db" report kpi --period $PERIOD --out "$out/kpi.csv"
    timed "$n" exceptions "$RATER" --db "$db" report exceptions --period $PERIOD --out "$out/exceptions.csv"
    timed "$n" chart "$RATER" --db "$db" report chart --period $PERIOD --out "$out/charts"
    echo "    stored: $("$SQLITE3" "$db" "SELECT count(*) FROM calls") calls," \
      "$("$SQLITE3" "$db" "SELECT count(*) FROM ratings WHERE status = 'rated'") rated;" \
      "invoices: $("$SQLITE3" "$db" "SELECT count(*) FROM invoices");" \
      "database $(du -sm "$w/stages" | cut -f1) MiB with the documents"
    rm -rf "$w/stages"
  }
  for part in $PARTS; do part_$part; done
  rm -rf "$w"
  echo "  load $(load)"
done

load_end=$(load)
elapsed=$(echo "$started $(now_ns)" | awk '{ printf "%.0f", ($2 - $1) / 1e9 }')

# ---- the table ----
awk -v sizes="$SIZES" -v sqlmax=$SQL_CALLS -v load0="$load_start" -v load1="$load_end" \
    -v elapsed="$elapsed" -v has_time=$has_time -v timeout="$TIMEOUT" '
function v(n, s) { return ((n, s) in sec) ? sec[n, s] : "" }
function mib(n, s) { return ((n, s) in kib) && kib[n, s] != "-" ? sprintf("%.0f", kib[n, s] / 1024) : "-" }
function cps(n, s, c) { return v(n, s) > 0 ? sprintf("%.0f", c / v(n, s)) : "-" }
function line(n, s, label, c, vs, goal) {
  if (v(n, s) == "") return
  if (stopped[n, s]) { label = label " (STOPPED)"; vs = ""; goal = "stopped by BENCH_NIGHT_TIMEOUT: at least this long" }
  printf "%-34s %10d %9.2f %10s %8s  %-26s %s\n", label, c, v(n, s), cps(n, s, c), mib(n, s), vs, goal
}
function verdict(ok) { return ok ? "ok" : "MISSED" }
{ sec[$1, $2] = $3; kib[$1, $2] = $4; stopped[$1, $2] = $5 == 124 && timeout != 0
  if ($2 != "nightly" && $2 != "import" && $2 != "sql-baseline" && $4 != "-" && $4 + 0 > maxkib[$1]) maxkib[$1] = $4 + 0 }
END {
  ns = split(sizes, size, " ")
  nst = split("catalog-import ingest rate catalog-change re-rate invoice-draft invoice-issue " \
              "usage-user usage-destination usage-day kpi exceptions chart", st, " ")
  print ""
  printf "%-34s %10s %9s %10s %8s  %-26s %s\n", "stage", "calls", "seconds", "calls/s", "peak MiB",
    "vs baseline", "goal (issue 10)"
  for (i = 1; i <= ns; i++) {
    n = size[i]; m = n < sqlmax ? n : sqlmax; at10 = n == 10000000
    print "-- " n " CDR rows"
    line(n, "import", "sqlite3 .import (baseline)", n, "1.00x", "")
    line(n, "sql-baseline", "sql-baseline.sql, first " m, m, "", "")
    if (v(n, "nightly") != "")
      line(n, "nightly", "rater nightly (whole)", n,
           v(n, "import") > 0 ? sprintf("%.2fx .import", v(n, "nightly") / v(n, "import")) : "",
           "<= 60 s at 10M" (at10 ? ": " verdict(v(n, "nightly") <= 60) : "") "; <= 1 GiB: " \
             (mib(n, "nightly") == "-" ? "-" : verdict(mib(n, "nightly") + 0 <= 1024)))
    for (j = 1; j <= nst; j++) {
      s = st[j]; vs = ""; goal = ""
      if (s == "ingest" && v(n, "import") > 0) {
        vs = sprintf("%.2fx .import", v(n, s) / v(n, "import"))
        goal = "<= 1.00x .import: " verdict(v(n, s) <= v(n, "import"))
      }
      if (s == "rate" && v(n, "sql-baseline") > 0 && v(n, s) > 0) {
        x = (n / v(n, s)) / (m / v(n, "sql-baseline"))
        vs = sprintf("%.1fx SQL baseline", x)
        goal = ">= 20x (stretch 50x): " verdict(x >= 20)
      }
      if (s == "re-rate" && v(n, "rate") > 0) {
        vs = sprintf("%.2fx first rate", v(n, s) / v(n, "rate"))
        goal = "<= 1.00x first rate: " verdict(v(n, s) <= v(n, "rate"))
      }
      if (mib(n, s) != "-" && mib(n, s) + 0 > 1024) goal = goal (goal == "" ? "" : "; ") "RSS > 1 GiB: MISSED"
      line(n, s, "  " s, n, vs, goal)
    }
    out = 0; have = 0
    for (j = 6; j <= nst; j++) if (v(n, st[j]) != "") { out += v(n, st[j]); have = 1 }
    if (have)
      printf "%-34s %10d %9.2f %10s %8s  %-26s %s\n", "  drafts+issue+reports together", n, out,
        sprintf("%.0f", n / (out > 0 ? out : 1)), "", "",
        "<= 10 s at 10M" (at10 ? ": " verdict(out <= 10) : "")
    tot = 0; have = 0
    for (j = 1; j <= nst; j++) if (v(n, st[j]) != "") { tot += v(n, st[j]); have = 1 }
    if (have)
      printf "%-34s %10d %9.2f %10s %8s\n", "  stages, sum", n, tot, sprintf("%.0f", n / (tot > 0 ? tot : 1)),
        has_time ? sprintf("%.0f", maxkib[n] / 1024) : "-"
  }
  for (i = 2; i <= ns; i++) {
    a = size[i - 1]; b = size[i]; lin = b / a
    printf "\n-- %d vs %d rows (linear: %.1fx; goal: within %.1fx)\n", b, a, lin, lin * 1.1
    nst2 = split("import nightly " st[1] " " st[2] " " st[3] " " st[4] " " st[5] " " st[6] " " st[7] " " \
                 st[8] " " st[9] " " st[10] " " st[11] " " st[12] " " st[13], st2, " ")
    for (j = 1; j <= nst2; j++) {
      s = st2[j]
      if (v(a, s) > 0 && v(b, s) != "")
        printf "  %-22s %8.2f s -> %8.2f s  %6.1fx  %s\n", s, v(a, s), v(b, s), v(b, s) / v(a, s),
          v(b, s) / v(a, s) <= lin * 1.1 ? "linear" : "SUPERLINEAR"
    }
  }
  printf "\n(time goals are the issue'"'"'s, for 10M rows: the verdict is printed at 10M only)\n"
  printf "load average at start: %s; at end: %s; %s s in all\n", load0, load1, elapsed
}' "$results"
[ $fails = 0 ]
