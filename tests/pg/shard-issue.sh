#!/bin/sh
# shard-issue.sh — invoice numbers stay gap-free and unique with concurrent
# issuers (issue 13): the samples' night of 2026-12-02 (everything ingested
# and rated, November not issued yet), then on 2026-12-03 two `rater
# invoice issue --period 2026-11` started at the same moment, three times on
# a fresh PostgreSQL copy and twice on an SQLite copy.  Each time every
# operator's numbers are 1..n with no gap and no repeat, the two issuers
# together number each invoice once, and the invoices, their lines and the
# documents of both are exactly those of one issuer alone.  Issuing is one
# write transaction per operator that reads the next number after taking
# the write lock (PostgreSQL: the store's advisory lock; SQLite: BEGIN
# IMMEDIATE), so the second issuer finds the first one's invoices.  On
# PostgreSQL the two are shown to run at once: a psql session holds the
# write lock when they start and lets it go only once both wait for it.
#
# Needs the cluster's env file in $RATER_TEST_PG_ENV (make check starts
# one); skipped (77) without it.
. "$(dirname "$0")/lib.sh"
: "${SQLITE3:=sqlite3}"
base=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "shard_issue_base_$$") || exit 99
cd "$work" || exit 99
export TZ=UTC LC_ALL=C

# The samples' night of 2026-12-02 on DATABASE (nothing issued yet).
night () {
  rm -rf night && samples_tree "$work/night" "$1"
  RATER_NOW=2026-12-02T02:00:00Z "$RATER" --db "$1" -q nightly --config night/nightly.conf \
    2>/dev/null
  [ $? -le 1 ] || { echo "the night of 2026-12-02 failed"; exit 99; }
}
# The invoices of DATABASE (PostgreSQL or SQLite file) and their lines, ordered.
invoices () {
  for q in "SELECT invoice, operator, period, seq, account, issued_on, subtotal, tax, total
              FROM invoices ORDER BY invoice" \
           "SELECT invoice, line, kind, quantity, calls, amount FROM invoice_lines
              ORDER BY invoice, line" \
           "SELECT operator, count (*), min (seq), max (seq), count (DISTINCT seq)
              FROM invoices GROUP BY operator ORDER BY operator"; do
    case $1 in
      postgres*) "$PSQL" -X -At -F '|' -v ON_ERROR_STOP=1 -d "$1" -c "$q" ;;
      *) "$SQLITE3" -batch "$1" "$q" ;;
    esac
  done
}
issue () {
  RATER_NOW=2026-12-03T02:00:00Z "$RATER" --db "$1" invoice issue --period 2026-11 --out "$2" \
    > "$2.out" 2>&1
  echo $? > "$2.status"
}
# On PostgreSQL, a psql session holds the write lock (store-pg.c's
# WRITE_LOCK_KEY) until two rater processes wait for it at once, 30 s at
# most; it prints how many waited (and, when not two, what the server's
# sessions were doing).
hold_lock () {
  "$PSQL" -X -At -q -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
BEGIN;
\o /dev/null
SELECT pg_advisory_xact_lock (x'7261746572'::bigint);
\o
DO $$ BEGIN
  FOR i IN 1..600 LOOP
    PERFORM pg_stat_clear_snapshot ();   -- pg_stat_activity: as it is now, not at the first look
    EXIT WHEN (SELECT count (*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
          WHERE l.locktype = 'advisory' AND NOT l.granted AND l.classid = 114
            AND l.objid = 1635018098 AND a.application_name = 'rater'
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database ())) >= 2;
    PERFORM pg_sleep (0.05);
  END LOOP;
END $$;
\o /dev/null
SELECT pg_stat_clear_snapshot ();
\o
SELECT (SELECT count (*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
        WHERE l.locktype = 'advisory' AND NOT l.granted AND l.classid = 114
          AND l.objid = 1635018098 AND a.application_name = 'rater'
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database ())) AS n
\gset
SELECT :n;
SELECT datname, application_name, backend_type, state, wait_event_type, wait_event,
    left (query, 60) FROM pg_stat_activity WHERE pid <> pg_backend_pid () AND :n <> 2;
COMMIT;
SQL
}
holder_sql="SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
  WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 114 AND l.objid = 1635018098
    AND a.application_name = 'psql'
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database ()))"

# Two issuers at once on DATABASE (round NAME), checked against the
# reference.  On PostgreSQL both are shown in flight together: they start
# while a psql session holds the write lock, which it lets go only once
# both wait for it.
race () {
  db=$1 name=$2
  case $db in
    postgres*)
      hold_lock "$db" > "$name.waiting" 2>&1 & ph=$!
      pg_wait "$holder_sql" "$db" $ph || { echo "$name: psql did not take the write lock:"; cat "$name.waiting"; status=1; } ;;
  esac
  issue "$db" "$name-a" & pa=$!
  issue "$db" "$name-b" & pb=$!
  case $db in
    postgres*)
      wait $ph
      [ "$(head -n 1 "$name.waiting")" = 2 ] \
        || { echo "$name: the two issuers were not waiting for the lock together:"; cat "$name.waiting"; status=1; } ;;
  esac
  wait $pa; wait $pb
  for s in a b; do
    [ "$(cat "$name-$s.status")" -le 1 ] || { echo "$name: issuer $s failed:"; cat "$name-$s.out"; status=1; }
  done
  n=0
  for s in a b; do
    n=$((n + $(sed -n 's/^issued \([0-9]*\) invoice.*/\1/p' "$name-$s.out")))
  done
  [ "$n" = 8 ] || { echo "$name: the two issuers numbered $n invoices, not 8"; cat "$name"-?.out; status=1; }
  invoices "$db" > "$name.invoices"
  awk -F'|' 'END { if (NR == 0) exit 1 } NF == 5 && !($3 == 1 && $4 == $2 && $5 == $2) { bad = 1 }
             END { exit bad }' "$name.invoices" \
    || { echo "$name: numbers with a gap or a repeat"; status=1; }
  cmp -s "$ref_invoices" "$name.invoices" \
    || { echo "$name: invoices differ from one issuer's:"; diff "$ref_invoices" "$name.invoices" | head; status=1; }
  for s in a b; do
    diff -r ref "$name-$s" > /dev/null \
      || { echo "$name: issuer $s's documents differ from one issuer's"; status=1; }
  done
}

night "$base"
ref_db=$(pg_copy "$base" "shard_issue_ref_$$") || exit 99
issue "$ref_db" ref
[ "$(cat ref.status)" -le 1 ] || { echo "one issuer failed:"; cat ref.out; exit 1; }
invoices "$ref_db" > ref.pg.invoices
ref_invoices=ref.pg.invoices
grep -q '^northwind|4|1|4|4$' ref.pg.invoices || { echo "northwind's invoices are not 1..4:"; cat ref.pg.invoices; status=1; }
for round in 1 2 3; do
  db=$(pg_copy "$base" "shard_issue_${round}_$$") || exit 99
  race "$db" "pg$round"
done

night "$work/base.db"
cp base.db ref.db
rm -rf ref && issue ref.db ref
invoices ref.db > ref.sqlite.invoices
ref_invoices=ref.sqlite.invoices
cmp -s ref.pg.invoices ref.sqlite.invoices || { echo "SQLite's invoices are not PostgreSQL's"; status=1; }
for round in 1 2; do
  cp base.db "round$round.db"
  race "$work/round$round.db" "sqlite$round"
done
"$PSQL" -X -q -d "$base" -c "DROP DATABASE IF EXISTS \"shard_issue_ref_$$\" WITH (FORCE)" >/dev/null 2>&1
for round in 1 2 3; do
  "$PSQL" -X -q -d "$base" -c "DROP DATABASE IF EXISTS \"shard_issue_${round}_$$\" WITH (FORCE)" >/dev/null 2>&1
done
[ $status = 0 ] && echo "two issuers at once, 5 times: gap-free numbers, the invoices of one issuer"
exit $status
