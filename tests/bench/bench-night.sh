#!/bin/sh
# bench-night.sh RATER — `make bench`: the night of issue 10, stage by stage.
#
# For each size in BENCH_NIGHT_SIZES (default: BENCH_NIGHT_CALLS, default
# 10,000,000 CDR rows) it generates a world (gen-deck.awk, gen-world.awk):
# BENCH_NIGHT_ACCOUNTS (default 1,000) accounts of 2 operators (EUR, USD) in 3
# time zones, ~20 numbers each, one BENCH_NIGHT_DECK_ROWS (default 50,000) row
# deck with nested prefixes and peak/offpeak/weekend bands, plans with bundles,
# and one CDR file over November 2026 (canonical rater CSV; 1% duplicate rows,
# 0.1% bad rows; call keys GUID-shaped in no order as Teams' are, or with
# BENCH_NIGHT_KEYS=seq c0000000000, c0000000001, ... in start order as the
# benchmark had them until schema 022).  Then, in the same run, with
# RATER_NOW=2026-12-03T02:00:00Z:
#   baselines  sqlite3 .import of the CDR file into a plain table (WAL,
#              synchronous=FULL); sql-baseline.sql (plain-SQL longest-prefix
#              rating) on the first 1,000,000 rows;
#   night      the whole `rater nightly` (catalog, ingest, rate, issue November
#              with json;csv;html;pdf, drafts, every report of both periods);
#   stages     the same work as separate commands on a fresh database: catalog
#              import, ingest, rate, catalog import of the deck with a few
#              changed rows and the re-rate, invoice draft and invoice issue of
#              2026-11 (all formats), each report of 2026-11;
# Each command starts after a sync: none pays for the write-back of the one
# before (the generated file, a baseline's database).
# It prints one table: seconds, calls/s and peak RSS (/usr/bin/time) of each,
# the ratios issue 10 asks for and its goals next to them, and the load.
# BENCH_BACKENDS (default "sqlite postgresql") runs the night and the stages on
# each: PostgreSQL on a throwaway cluster of this machine (tests/tools/pg-cluster.sh,
# a Unix socket) made durable like SQLite's synchronous=FULL (fsync, synchronous_commit
# and full_page_writes on) and sized for the machine (BENCH_PG_SETTINGS); its
# baseline is psql's \copy of the CDR file into a plain table.  A second table puts
# each stage's seconds and rater's peak RSS side by side per backend, with the
# server's peak memory (the proportional set size of all its processes, sampled
# every second).  Without server binaries PostgreSQL is left out, saying so.
# BENCH_NIGHT_PARTS (default "baselines night stages") picks the parts and their
# order; BENCH_NIGHT_TIMEOUT=S stops any one command after S seconds (timeout(1))
# and records it as such.  Exits non-zero when a command failed (exit status above
# 1) or was stopped.
set -eu
RATER=${1:-$(dirname "$0")/../../rater/rater}
SIZES=${BENCH_NIGHT_SIZES:-${BENCH_NIGHT_CALLS:-10000000}}
ACCOUNTS=${BENCH_NIGHT_ACCOUNTS:-1000}
DECK_ROWS=${BENCH_NIGHT_DECK_ROWS:-50000}
KEYS=${BENCH_NIGHT_KEYS:-guid}
PARTS=${BENCH_NIGHT_PARTS:-baselines night stages}
TIMEOUT=${BENCH_NIGHT_TIMEOUT:-0}
SQL_CALLS=1000000
SQLITE3=${SQLITE3:-sqlite3}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}
# 24 GiB, 2 cores: a quarter of the memory for shared buffers, the page cache for the rest
PG_SETTINGS=${BENCH_PG_SETTINGS:-fsync=on synchronous_commit=on full_page_writes=on
shared_buffers=6GB effective_cache_size=16GB work_mem=64MB maintenance_work_mem=1GB
max_wal_size=16GB checkpoint_timeout=30min wal_buffers=64MB max_parallel_workers_per_gather=1}
export RATER_NOW=2026-12-03T02:00:00Z
PERIOD=2026-11
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
case $RATER in /*) ;; *) RATER=$(pwd)/$RATER ;; esac
tmp=${TMPDIR:-/tmp}

case $KEYS in seq|guid) ;; *) echo "bench-night: BENCH_NIGHT_KEYS is seq or guid, not '$KEYS'" >&2; exit 64 ;; esac
for part in $PARTS; do
  case $part in baselines|night|stages) ;; *) echo "bench-night: unknown part '$part'" >&2; exit 64 ;; esac
done
for backend in $BACKENDS; do
  case $backend in sqlite|postgresql) ;; *) echo "bench-night: unknown backend '$backend'" >&2; exit 64 ;; esac
done
load () { uptime | sed 's/.*load average: *//'; }

# Disk: about 1.5 KB per CDR row for the largest size (the file, the .import
# table, the night's database and documents, kept until the stages' are
# written, with their WALs), plus 1 GB.
max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
need_kb=$((max * 15 / 10 + 1048576))
avail_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ "$avail_kb" -lt "$need_kb" ]; then
  echo "bench-night: $max calls need about $((need_kb / 1048576 + 1)) GB free in $tmp;" \
    "only $((avail_kb / 1048576)) GB are: free space, set TMPDIR or lower BENCH_NIGHT_CALLS" >&2
  exit 1
fi

work=$(mktemp -d "$tmp/rater-bench-night-XXXXXX")
pg_dir=""
cleanup () {
  [ -z "$pg_dir" ] || sh "$top/tests/tools/pg-cluster.sh" stop "$pg_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT
results=$work/results    # size stage seconds kib status (SQLite, baselines)
pg_results=$work/pg-results   # size stage seconds kib status server-kib (PostgreSQL)
: > "$results"
: > "$pg_results"
backend=sqlite

# ---- PostgreSQL: a throwaway cluster, durable and sized for the machine ----
case " $BACKENDS " in *" postgresql "*)
  pg_dir=$work/pg
  st=0
  sh "$top/tests/tools/pg-cluster.sh" start "$pg_dir" || st=$?
  if [ $st = 77 ]; then
    echo "bench-night: no PostgreSQL server binaries: PostgreSQL left out"
    pg_dir="" BACKENDS=$(echo "$BACKENDS" | sed 's/postgresql//')
  elif [ $st != 0 ]; then
    exit 1
  else
    # shellcheck disable=SC1091
    . "$pg_dir/env"
    psql () { "$RATER_TEST_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$RATER_TEST_PG_HOST" \
                -p "$RATER_TEST_PG_PORT" -U rater "$@"; }
    for setting in $PG_SETTINGS; do
      psql -d postgres -c "ALTER SYSTEM SET ${setting%%=*} = '${setting#*=}'"
    done
    pg_data=$(readlink -f "$pg_dir/data")
    pg_owner=$(stat -c %U "$pg_data")
    as_pg_owner () {
      if [ "$(id -u)" != 0 ] || [ "$pg_owner" = root ]; then "$@"; else runuser -u "$pg_owner" -- "$@"; fi
    }
    (cd "$pg_data" && as_pg_owner "$RATER_TEST_PG_BINDIR/pg_ctl" -D "$pg_data" -w -t 120 \
       -l "$pg_data/../restart.log" restart >/dev/null 2>&1) \
      || (cd /tmp && as_pg_owner "$RATER_TEST_PG_BINDIR/pg_ctl" -D "$pg_data" -w -t 120 restart >/dev/null)
    echo "PostgreSQL: $(psql -d postgres -At -c "SELECT version ()" | cut -d' ' -f1-2), settings:" \
      "$(psql -d postgres -At -c "SELECT string_agg (name || '=' || current_setting (name), ' ')
          FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes',
          'shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size', 'wal_buffers')")"
  fi ;;
esac

# pg_db NAME: a new, empty database NAME on the cluster; prints its URI.
pg_db () {
  psql -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  echo "$RATER_TEST_PG" | sed "s|^postgresql://rater@/postgres?|postgresql://rater@/$1?|"
}
# The server's memory now: the proportional set size of the postmaster and its
# children, in KiB (shared buffers counted once).
pg_mem_kib () {
  pm=$(head -n 1 "$pg_data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  for p in $pm $(ps -o pid= --ppid "$pm" 2>/dev/null); do
    cat "/proc/$p/smaps_rollup" 2>/dev/null
  done | awk '/^Pss:/ { s += $2 } END { print s + 0 }'
}

if [ -x /usr/bin/time ]; then has_time=1; else
  has_time=0
  echo "bench-night: /usr/bin/time is missing (Debian package 'time'): peak memory prints as '-'"
fi
now_ns () { date +%s%N; }
fails=0

# timed SIZE STAGE CMD...: runs CMD, appends "SIZE STAGE SECONDS KIB STATUS"
# to the results of $backend (with the server's peak memory on PostgreSQL)
# (exit status 1 means rejects or unrated calls here: expected).
timed () {
  size=$1 stage=$2; shift 2
  [ "$TIMEOUT" = 0 ] || set -- timeout "$TIMEOUT" "$@"
  # each command starts with nothing of the one before still being written
  # (the generated CDR file, a baseline's database, deleted files): not its
  # own cost, and what it left varied the next one's time by seconds
  sync
  st=0 srv=-
  if [ "$backend" = postgresql ]; then
    rm -f "$work/sampling"; echo 0 > "$work/srv-peak"; : > "$work/sampling"
    ( peak=0
      while [ -e "$work/sampling" ]; do
        k=$(pg_mem_kib); [ "$k" -gt "$peak" ] && peak=$k && echo "$peak" > "$work/srv-peak"
        sleep 1
      done ) &
    sampler=$!
  fi
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
  if [ "$backend" = postgresql ]; then
    rm -f "$work/sampling"; wait "$sampler" || true
    srv=$(cat "$work/srv-peak")
    echo "$size $stage $secs $kib $st $srv" >> "$pg_results"
    printf '  %-22s %9s s %9s KiB  status %d  server %s KiB\n' "$stage" "$secs" "$kib" "$st" "$srv"
  else
    echo "$size $stage $secs $kib $st" >> "$results"
    printf '  %-22s %9s s %9s KiB  status %d\n' "$stage" "$secs" "$kib" "$st"
  fi
}

echo "night benchmark: sizes $SIZES; $ACCOUNTS accounts, $DECK_ROWS-row deck, call keys $KEYS;" \
  "parts: $PARTS;" \
  "backends: $BACKENDS"
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
  awk -v dir="$w" -v accounts="$ACCOUNTS" -v calls="$n" -v keys="$KEYS" -f "$here/gen-world.awk" \
    > "$w/cdrs.csv"
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
    case " $BACKENDS " in *" postgresql "*)
      pg_db bench_import > /dev/null
      psql -d bench_import -c "CREATE TABLE cdrs ($(head -n 1 "$w/cdrs.csv" | tr -d '\r' \
        | sed 's/[^,]*/"&" text/g'))"
      backend=postgresql
      timed "$n" import "$RATER_TEST_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$RATER_TEST_PG_HOST" \
        -p "$RATER_TEST_PG_PORT" -U rater -d bench_import \
        -c "\\copy cdrs FROM '$w/cdrs.csv' (FORMAT csv, HEADER)"
      backend=sqlite
      psql -d postgres -c "DROP DATABASE bench_import" ;;
    esac
  }

  part_night () {
    for backend in $BACKENDS; do night_on; done
    backend=sqlite
  }

  night_on () {
    echo "-- rater nightly ($backend)"
    database=rater.db
    [ "$backend" = sqlite ] || database=$(pg_db bench_night)
    # the night's directory stays until the size is done ($w is removed
    # then): deleting its thousands of files just before the stages made
    # creating theirs slower on this machine's file system (ext4 without a
    # journal checks each new inode against the recently deleted ones: the
    # first draft after it took 1.5-2.5 s more, all system time)
    night=$w/night-$backend
    mkdir -p "$night/incoming"
    ln "$w/cdrs.csv" "$night/incoming/cdrs.csv" 2>/dev/null || cp "$w/cdrs.csv" "$night/incoming/"
    cat > "$night/nightly.conf" <<EOF
[nightly]
database = $database
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
    timed "$n" nightly "$RATER" nightly --config "$night/nightly.conf"
    tail -n 1 "$work/err" | sed 's/^/    /'
    echo "    issued documents: $(find "$night/output/invoices" -type f 2>/dev/null | wc -l)," \
      "drafts: $(find "$night/output/drafts" -type f 2>/dev/null | wc -l)," \
      "report files: $(find "$night/output/reports" -type f 2>/dev/null | wc -l)," \
      "files: $(du -sm "$night" | cut -f1) MiB in all" \
      "$([ "$backend" = sqlite ] || echo "+ database $(psql -d postgres -At -c \
        "SELECT pg_database_size ('bench_night') / 1048576") MiB")"
    [ "$backend" = sqlite ] || psql -d postgres -c "DROP DATABASE bench_night WITH (FORCE)"
  }

  part_stages () {
    for backend in $BACKENDS; do stages_on; done
    backend=sqlite
  }

  # the number SQL counts in the stages' database
  stages_count () {
    if [ "$backend" = sqlite ]; then "$SQLITE3" "$db" "$1"; else psql -d bench_stages -At -c "$1"; fi
  }

  stages_on () {
    echo "-- the same steps as separate commands, on a fresh database ($backend)"
    db=$w/stages/rater.db out=$w/stages/out
    [ "$backend" = sqlite ] || db=$(pg_db bench_stages)
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
    echo "    stored: $(stages_count "SELECT count(*) FROM calls") calls," \
      "$(stages_count "SELECT count(*) FROM ratings WHERE status = 'rated'") rated;" \
      "invoices: $(stages_count "SELECT count(*) FROM invoices");" \
      "database $(if [ "$backend" = sqlite ]; then du -sm "$w/stages" | cut -f1; else
        stages_count "SELECT pg_database_size ('bench_stages') / 1048576"; fi) MiB"
    rm -rf "$w/stages"
    [ "$backend" = sqlite ] || psql -d postgres -c "DROP DATABASE bench_stages WITH (FORCE)"
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

# ---- SQLite and PostgreSQL side by side ----
if [ -s "$pg_results" ]; then
  awk -v sizes="$SIZES" '
function mib(k) { return k == "-" || k == "" ? "-" : sprintf("%.0f", k / 1024) }
FILENAME == ARGV[1] { s[$1, $2] = $3; sk[$1, $2] = $4 }
FILENAME == ARGV[2] { p[$1, $2] = $3; pk[$1, $2] = $4; srv[$1, $2] = $6 }
END {
  nst = split("import nightly catalog-import ingest rate catalog-change re-rate invoice-draft " \
              "invoice-issue usage-user usage-destination usage-day kpi exceptions chart", st, " ")
  ns = split(sizes, size, " ")
  print ""
  print "SQLite and PostgreSQL side by side (seconds; peak RSS of the command; the server'"'"'s peak memory)"
  printf "%-26s %10s | %9s %8s | %9s %8s %10s | %8s\n", "stage", "calls", "SQLite s", "MiB",
    "PG s", "MiB", "server MiB", "PG/SQLite"
  for (i = 1; i <= ns; i++) {
    n = size[i]
    print "-- " n " CDR rows"
    for (j = 1; j <= nst; j++) {
      x = st[j]
      if (!((n, x) in s) && !((n, x) in p)) continue
      label = x == "import" ? "import (baseline)" : x
      sq = (n, x) in s ? s[n, x] : "-"; pg = (n, x) in p ? p[n, x] : "-"
      printf "%-26s %10d | %9s %8s | %9s %8s %10s | %8s\n", label, n, sq, mib(sk[n, x]), pg,
        mib(pk[n, x]), mib(srv[n, x]), (sq > 0 && pg != "-" ? sprintf("%.2fx", pg / sq) : "-")
    }
  }
}' "$results" "$pg_results"
fi
[ $fails = 0 ]
