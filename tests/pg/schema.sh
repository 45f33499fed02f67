#!/bin/sh
# schema.sh — schemas/pg/016-schema.sql and the later schemas/pg/NNN-*.sql
# (PostgreSQL) are the schema `rater init` builds in SQLite: loaded into a
# fresh database of the test cluster (psql, ON_ERROR_STOP, a transaction per
# file), it must have
#   * the same tables and views, each with the same columns in the same order,
#     the same NOT NULL (a primary key column counts as NOT NULL: SQLite lets
#     a rowid table's text key be NULL, PostgreSQL never), the same primary
#     key and the same types (INTEGER bigint, TEXT text, BLOB bytea);
#   * the same indexes (name, table, columns, unique, partial), UNIQUE
#     constraints and foreign keys, and a trigger of each SQLite trigger's name;
#   * but for what hash partitioning (pg/018) requires: the partitioned
#     tables' partitions are left out (their columns, indexes and triggers
#     are the partitioned table's), and calls' primary key holds its
#     partition key operator, NOT NULL there (SQLite: id alone);
#   * and but for SQLite's compact ratings (020): there `ratings` is a view
#     over rating_facts, rating_ledgers and rating_labels, written through
#     INSTEAD OF triggers, where PostgreSQL keeps the table.  The view must
#     have the table's columns in its order; the three tables are left out;
#     rating_facts' indexes are the table's on the ledger (named below), and
#     its triggers the table's;
#   * and but for SQLite's key hash (022): calls.key_hash and its indexes
#     calls_by_key_hash and calls_by_key_unhashed are SQLite's, where
#     PostgreSQL keeps the unique index calls_by_key on the text (its COPY
#     ... ON CONFLICT needs it, and a unique index of a partitioned table
#     must hold the partition key);
#   * triggers with the same effect: the same statements run in both leave
#     the same agg_journal rows and rate_changes count;
#   * rater_local_day() giving store_local_day()'s days (rater/base/store.c:
#     the offset at the floored second, the 1900 offset before 1900 and the
#     2200 one after 2200) at DST edges, before 1970 and out of range, as an
#     independent model computes them with date(1) from the same tz database,
#     and refusing unknown zones; rater_now() honouring SET rater.now.
# Needs the cluster of cluster-start.sh ($RATER_TEST_PG_ENV), $RATER, $SQLITE3.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RATER:=rater}"
: "${SQLITE3:=sqlite3}"

uri=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" rater_test_schema) || exit $?
# shellcheck disable=SC1090
. "$RATER_TEST_PG_ENV"
PSQL="$RATER_TEST_PG_BINDIR/psql"
[ -x "$PSQL" ] || PSQL=psql

work=$(mktemp -d "${TMPDIR:-/tmp}/rater-pg-schema.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

fail=0
failed () { echo "FAIL: $*"; fail=1; }
pg () { "$PSQL" -X -q -At -F '|' -v ON_ERROR_STOP=1 -d "$uri" "$@"; }
lite () { "$SQLITE3" -batch -separator '|' rater.db "$@"; }

# --- the two schemas ---
# schemas/pg/016-schema.sql and every later migration NNN, each recording its
# version as store-pg.c's apply_migration() does
for f in "$top_srcdir"/schemas/pg/[0-9][0-9][0-9]-*.sql; do
  v=$(basename "$f" | cut -c1-3 | sed 's/^0*//')
  { cat "$f"; echo "UPDATE rater_meta SET value = $v WHERE name = 'schema_version';"; } \
    | pg --single-transaction >/dev/null
done
"$RATER" --db rater.db --quiet init
[ "$(pg -c "SELECT value FROM rater_meta WHERE name = 'schema_version'")" = "$(lite 'PRAGMA user_version')" ] \
  || failed "rater_meta schema_version is not SQLite's user_version $(lite 'PRAGMA user_version')"

# compare WHAT: the SQLite and PostgreSQL lists (files lite.WHAT, pg.WHAT)
# SQLite's columns as PostgreSQL's partitioned tables have them (above)
partition_keys () {
  sed -e 's/^calls|operator|1|0|text$/calls|operator|1|2|text/' -e '/^calls|key_hash|0|0|bigint$/d' "$1"
}

# SQLite's compact ratings (020) as PostgreSQL's ratings table: its tables
# left out, the columns of ratings by name and order (FILE: lite or pg)
ratings_columns () {
  grep -v -e '^rating_facts|' -e '^rating_ledgers|' -e '^rating_labels|' "$1" \
    | sed 's/^\(ratings|[^|]*\)|.*$/\1/'
}

compare () {
  if ! diff -u "lite.$1" "pg.$1" >"diff.$1"; then
    failed "$1 differ (- SQLite, + PostgreSQL):"
    cat "diff.$1"
  fi
}

# Columns: relation|column|not null|primary key position|type.  The sqlite3
# shell lacks rater's SQL functions, without which a view's columns cannot
# be read: its views are read in a copy where max () stands for them.
cp rater.db columns.db
"$SQLITE3" -batch columns.db "SELECT 'DROP VIEW ' || name || '; '
  || replace (sql, 'rater_local_day (', 'max (') || ';'
  FROM sqlite_master WHERE type = 'view'" | "$SQLITE3" -batch columns.db
"$SQLITE3" -batch -separator '|' columns.db "SELECT m.name, p.name,
        CASE WHEN m.type = 'view' THEN 0 ELSE (p.\"notnull\" OR p.pk > 0) END, p.pk,
        CASE WHEN m.type = 'view' THEN '' ELSE
          CASE upper (p.type) WHEN 'INTEGER' THEN 'bigint' WHEN 'TEXT' THEN 'text'
                              WHEN 'BLOB' THEN 'bytea' ELSE p.type END END
      FROM sqlite_master m, pragma_table_info (m.name) p
      WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%'
      ORDER BY m.name, p.cid" >lite.columns.sqlite
partition_keys lite.columns.sqlite | ratings_columns - >lite.columns
[ "$(partition_keys lite.columns.sqlite | diff lite.columns.sqlite - | grep -c '^>')" = 1 ] \
  || failed "calls.operator is not in SQLite's schema as expected"
grep -q '^calls|key_hash|0|0|bigint$' lite.columns.sqlite \
  || failed "calls.key_hash is not in SQLite's schema as expected"
[ "$(grep -c '^rating_facts|' lite.columns.sqlite)" = 11 ] \
  || failed "rating_facts does not have its 11 columns in SQLite"
pg -c "SELECT c.relname, a.attname, CASE WHEN c.relkind = 'v' THEN 0 ELSE a.attnotnull::int END,
         coalesce (array_position (i.indkey::int2[], a.attnum) - array_lower (i.indkey::int2[], 1) + 1, 0),
         CASE WHEN c.relkind = 'v' THEN '' ELSE format_type (a.atttypid, a.atttypmod) END
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
       WHERE c.relkind IN ('r', 'p', 'v') AND c.relname NOT IN ('rater_meta', 'rater_zones')
         AND NOT c.relispartition
       ORDER BY c.relname, a.attnum" >pg.columns.pg
ratings_columns pg.columns.pg >pg.columns
compare columns
[ "$(wc -l <lite.columns)" -gt 300 ] || failed "only $(wc -l <lite.columns) SQLite columns read"

# Indexes: name|table|unique|partial|columns (SQLite's own ones for keys left out)
lite "SELECT l.name, m.name, l.\"unique\", l.partial,
        (SELECT group_concat (name, ',') FROM (SELECT name FROM pragma_index_info (l.name) ORDER BY seqno))
      FROM sqlite_master m, pragma_index_list (m.name) l
      WHERE m.type = 'table' AND l.origin = 'c' ORDER BY l.name" >lite.indexes.sqlite
grep -q '^calls_by_key_hash|calls|1|0|key_hash$' lite.indexes.sqlite \
  && grep -q '^calls_by_key_unhashed|calls|1|1|call_key,operator$' lite.indexes.sqlite \
  || failed "calls' key hash indexes are not in SQLite's schema as expected"
# rating_facts' indexes: ratings' on the ledger that holds (period, account)
sed -e 's/^rating_facts_by_ledger|rating_facts|0|0|ledger$/ratings_by_period|ratings|0|0|period,account/' \
    -e 's/^rating_facts_unbilled_late|rating_facts|0|1|ledger$/ratings_unbilled_late|ratings|0|1|account,period/' \
    -e 's/^rating_facts_unrated|rating_facts|0|1|ledger,reason$/ratings_unrated|ratings|0|1|period,reason/' \
    -e '/^calls_by_key_hash|calls|1|0|key_hash$/d' \
    -e 's/^calls_by_key_unhashed|calls|1|1|call_key,operator$/calls_by_key|calls|1|0|call_key,operator/' \
    lite.indexes.sqlite | grep -v -e '|rating_ledgers|' -e '|rating_labels|' | sort >lite.indexes
pg -c "SELECT ic.relname, t.relname, i.indisunique::int, (i.indpred IS NOT NULL)::int,
         (SELECT string_agg (a.attname, ',' ORDER BY k.ord)
          FROM unnest (i.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       WHERE NOT t.relispartition
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                         AND k.conrelid = t.oid AND k.contype IN ('p', 'u'))
       ORDER BY ic.relname" | sort >pg.indexes
compare indexes
[ "$(wc -l <lite.indexes)" -ge 15 ] || failed "only $(wc -l <lite.indexes) SQLite indexes read"

# UNIQUE constraints: table|columns
lite "SELECT m.name, (SELECT group_concat (name, ',') FROM (SELECT name FROM pragma_index_info (l.name) ORDER BY seqno))
      FROM sqlite_master m, pragma_index_list (m.name) l
      WHERE m.type = 'table' AND l.origin = 'u' ORDER BY 1, 2" >lite.uniques
pg -c "SELECT t.relname, (SELECT string_agg (a.attname, ',' ORDER BY k.ord)
                          FROM unnest (c.conkey) WITH ORDINALITY AS k (attnum, ord)
                          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       WHERE c.contype = 'u' ORDER BY 1, 2" >pg.uniques
compare uniques

# Foreign keys: table|column|referenced table|referenced column
lite "SELECT m.name, f.\"from\", f.\"table\", f.\"to\"
      FROM sqlite_master m, pragma_foreign_key_list (m.name) f
      WHERE m.type = 'table' ORDER BY 1, 2" >lite.fkeys
pg -c "SELECT t.relname, a.attname, rt.relname, ra.attname
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       JOIN pg_class rt ON rt.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1]
       JOIN pg_attribute ra ON ra.attrelid = rt.oid AND ra.attnum = c.confkey[1]
       WHERE c.contype = 'f' ORDER BY t.relname, a.attname" >pg.fkeys
compare fkeys
[ "$(wc -l <lite.fkeys)" -ge 10 ] || failed "only $(wc -l <lite.fkeys) SQLite foreign keys read"

# Triggers: name|table
# rating_facts' triggers are ratings'; the view's INSTEAD OF ones are SQLite's
lite "SELECT name, CASE tbl_name WHEN 'rating_facts' THEN 'ratings' ELSE tbl_name END
      FROM sqlite_master WHERE type = 'trigger'
        AND name NOT IN ('ratings_insert', 'ratings_invoice', 'ratings_update', 'ratings_delete')
      ORDER BY name" >lite.triggers
pg -c "SELECT tg.tgname, t.relname FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 ORDER BY tg.tgname" >pg.triggers
compare triggers
[ "$(wc -l <lite.triggers)" -ge 14 ] || failed "only $(wc -l <lite.triggers) SQLite triggers read"

# Seed rows
for q in "SELECT id, journal FROM agg_control" "SELECT id, changes FROM rate_changes" \
         "SELECT count (*) FROM rate_last"; do
  [ "$(lite "$q")" = "$(pg -c "$q")" ] || failed "$q: SQLite $(lite "$q"), PostgreSQL $(pg -c "$q")"
done

# --- the triggers' effect: the same writes in both ---
cat >writes.sql <<'EOF'
INSERT INTO calls (operator, call_key, file_id, line, direction, caller, callee, masked, start_ms,
                   duration, answered, leg_rank)
  VALUES ('op', 'k1', 1, 1, 'out', '111', '222', 0, 1000, 60, 1, 0),
         ('op', 'k2', 1, 2, 'in', NULL, '444', 1, 2000, 30, 1, 0),
         ('op', 'k3', 1, 3, 'in', '555', '666', 0, 3000, 0, 0, 0);
INSERT INTO ratings (call_id, status, reason, account, period, grp, destination, billable, covered,
                     charge, late, operator)
  VALUES (1, 'rated', NULL, 'acc', '2026-11', 'g', 'd', 60, 6, 100, 0, 'op'),
         (3, 'unanswered', NULL, 'acc', '2026-11', NULL, NULL, 0, 0, 0, 0, 'op');
UPDATE ratings SET charge = 200 WHERE call_id = 1;
UPDATE ratings SET invoice = 'X' WHERE call_id = 1;
UPDATE ratings SET status = status WHERE call_id = 3;
UPDATE calls SET duration = 61 WHERE id = 1;
UPDATE calls SET leg_id = 'L' WHERE id = 2;
UPDATE calls SET duration = duration WHERE id > 100;
UPDATE agg_control SET journal = 0;
INSERT INTO ratings (call_id, status, reason, account, period, grp, destination, billable, covered,
                     charge, late, operator)
  VALUES (2, 'unrated', 'no_rate', 'acc', '2026-11', NULL, NULL, 30, 0, 0, 0, 'op');
UPDATE ratings SET charge = 7 WHERE call_id = 2;
DELETE FROM ratings WHERE call_id = 99;
UPDATE agg_control SET journal = 1;
DELETE FROM ratings WHERE call_id = 2;
UPDATE calls SET caller = '777' WHERE id = 3;
INSERT INTO closed_periods VALUES ('acc', '2026-10', 't1'), ('acc', '2026-09', 't1');
UPDATE closed_periods SET closed_at = 't2' WHERE period = '2026-10';
DELETE FROM closed_periods;
INSERT INTO purged_periods VALUES ('2026-01', 't', 0, 0);
UPDATE purged_periods SET calls = 1;
DELETE FROM purged_periods WHERE period = '2026-02';
DELETE FROM calls WHERE id = 2;
EOF
lite <writes.sql
pg --single-transaction -f writes.sql >/dev/null
journal="SELECT sign, period, account, operator, direction, status, grp, destination, number,
                start_ms, duration, billable, covered, charge FROM agg_journal ORDER BY id"
lite "$journal" >lite.journal
pg -c "$journal" >pg.journal
compare journal
[ "$(wc -l <lite.journal)" -ge 8 ] || failed "only $(wc -l <lite.journal) journal rows in SQLite"
q="SELECT changes FROM rate_changes"
[ "$(lite "$q")" = "$(pg -c "$q")" ] || failed "rate_changes: SQLite $(lite "$q"), PostgreSQL $(pg -c "$q")"
[ "$(pg -c "SELECT count (*) FROM agg_facts WHERE usage")" = 1 ] || failed "agg_facts"

# --- rater_local_day: store_local_day() modelled with date(1) ---
first=-2208988800   # 1900-01-01T00:00:00Z: the zone's offset then holds before
last=7258118400     # 2200-01-01T00:00:00Z: the zone's offset then holds after
fdiv () { q=$(($1 / $2)); [ $(($1 % $2)) -lt 0 ] && q=$((q - 1)); echo $q; }
model () {   # model MS ZONE
  sec=$(fdiv "$1" 1000)
  probe=$sec
  [ "$probe" -lt $first ] && probe=$first
  [ "$probe" -gt $last ] && probe=$last
  z=$(TZ=$2 date -d "@$probe" +%z)
  sign=${z%????}; hh=${z#?}; hh=${hh%??}; mm=${z#???}
  off=$(( (${hh#0} * 3600 + ${mm#0} * 60) ))
  [ "$sign" = - ] && off=$((-off))
  fdiv $((sec + off)) 86400
}
ms () { echo $(($(date -u -d "$1" +%s) * 1000 + ${2:-0})); }   # ms ISO [ADD_MS]
n=0
while read -r zone when add; do
  [ -n "$zone" ] || continue
  t=$(ms "$when" "$add")
  want=$(model "$t" "$zone")
  got=$(pg -c "SELECT rater_local_day ($t, '$zone')")
  [ "$got" = "$want" ] || failed "rater_local_day ($t, '$zone') [$when $add ms] = $got, want $want"
  n=$((n + 1))
done <<EOF
UTC 1970-01-01T00:00:00Z 0
UTC 1970-01-01T00:00:00Z -1
UTC 1969-12-31T00:00:00Z 0
UTC 1969-12-31T00:00:00Z -1
Europe/London 2026-03-29T01:00:00Z -1
Europe/London 2026-03-29T01:00:00Z 0
Europe/London 2026-10-24T23:00:00Z -1
Europe/London 2026-10-24T23:00:00Z 0
Europe/London 2026-10-25T00:59:59Z 999
Europe/London 1968-10-27T23:00:00Z 0
Europe/London 1850-01-01T00:00:30Z 0
America/New_York 2026-03-08T05:00:00Z -1
America/New_York 2026-03-08T05:00:00Z 0
America/New_York 2026-11-01T04:00:00Z -1
America/New_York 2026-11-01T04:00:00Z 0
America/New_York 2026-11-01T05:30:00Z 0
America/New_York 1970-01-01T00:00:00Z -1
America/New_York 1960-06-30T04:00:00Z -1
America/New_York 2250-07-01T04:30:00Z 0
Asia/Kathmandu 2026-01-01T18:15:00Z -1
Asia/Kathmandu 2026-01-01T18:15:00Z 0
Asia/Kathmandu 1985-12-31T18:30:00Z -1
Asia/Kathmandu 1985-12-31T18:30:00Z 0
Asia/Kathmandu 1970-01-01T00:00:00Z -1
Australia/Lord_Howe 2026-04-04T13:00:00Z 0
CET 2020-06-30T22:30:00Z 0
EST 2026-07-01T04:30:00Z 0
EOF
[ $n -ge 27 ] || failed "only $n instants checked"
for zone in Mars/Olympus europe/london Europe GMT+1 UTC+5 EST5 +05:00 Europe//London /etc/passwd ''; do
  if pg -c "SELECT rater_local_day (0, '$zone')" >/dev/null 2>err; then
    failed "rater_local_day (0, '$zone') did not fail"
  elif ! grep -q "unknown time zone" err; then
    failed "rater_local_day (0, '$zone'): $(cat err)"
  fi
done
pg -c "SELECT rater_local_day (0, NULL)" >/dev/null 2>&1 && failed "rater_local_day (0, NULL) did not fail"

# --- rater_now ---
now=$(pg -c "SELECT rater_now ()")
echo "$now" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' \
  || failed "rater_now () = '$now'"
d=$(( $(date -u +%s) - $(date -u -d "$(echo "$now" | sed 's/\.[0-9]*Z$/Z/')" +%s) ))
[ ${d#-} -le 60 ] || failed "rater_now () = '$now' is $d s off the clock"
fixed=$(pg -c "SET rater.now = '2026-11-05T10:00:00+01:00'" -c "SELECT rater_now ()")
[ "$fixed" = "2026-11-05T09:00:00.000Z" ] || failed "rater_now () with rater.now set: '$fixed'"
fixed=$(pg -c "SET rater.now = '2026-11-30T23:59:59.5Z'" -c "SELECT rater_now ()")
[ "$fixed" = "2026-11-30T23:59:59.500Z" ] || failed "rater_now () with rater.now set: '$fixed'"

[ $fail = 0 ] && echo "PASS: the PostgreSQL schema is SQLite's (version $(lite 'PRAGMA user_version'))"
exit $fail
