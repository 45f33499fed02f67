#!/bin/sh
# partitions.sh — the large tables are hash-partitioned on their
# distribution column (issue 13, "ready to distribute"; schemas/pg/018):
#   * after `rater init` and the samples' night, pg_partitioned_table and
#     pg_inherits show calls, ratings and agg_kpi partitioned by hash on
#     operator, agg_day, agg_number and agg_destination on account, 16
#     partitions each; every rating carries its call's operator and lies in
#     the partition of the same number as its call (co-located); the
#     aggregates' rows spread over several partitions (the samples' two
#     operators, northwind and tailspin, hash to the same one of the 16:
#     the night's calls and ratings are one partition, the limit of an
#     operator key; the upgraded database's twelve operators show theirs
#     spread);
#   * a database of schema version 17 (schemas/pg/016 and 017 applied by
#     hand, as store-pg.c applies them), with calls of twelve operators,
#     their ratings, aggregates and journal, upgrades with `rater init`
#     keeping every row as it was (ratings taking their call's operator),
#     the rows spread over several partitions, calls' identity going on
#     where it was (an id freed by a delete is not given again), and the
#     triggers journaling on the partitioned tables.
# Needs the cluster's env file in $RATER_TEST_PG_ENV (make check starts
# one); skipped (77) without it.
. "$(dirname "$0")/lib.sh"
night_db=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "partitions_night_$$") || exit 99
old_db=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "partitions_v17_$$") || exit 99

export RATER_NOW=2026-12-03T02:00:00Z TZ=UTC LC_ALL=C
failed () { echo "FAIL: $*"; status=1; }
pg () { db=$1; shift; "$PSQL" -X -q -At -F '|' -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# The partitioned tables of DB: table|strategy|key column|partitions
layout="SELECT c.relname, p.partstrat, a.attname,
               (SELECT count (*) FROM pg_inherits i WHERE i.inhparent = c.oid)
        FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
        ORDER BY 1"
cat > "$work/layout.expected" <<'EOF'
agg_day|h|account|16
agg_destination|h|account|16
agg_kpi|h|operator|16
agg_number|h|account|16
calls|h|operator|16
ratings|h|operator|16
EOF
check_layout () {
  pg "$1" -c "$layout" > "$work/layout.$2"
  diff -u "$work/layout.expected" "$work/layout.$2" || failed "$2: the partitioned tables differ"
}

# How many partitions of TABLE hold rows (a partition's name ends in _pN).
spread () { pg "$1" -c "SELECT count (DISTINCT tableoid) FROM $2"; }

# Every rating in DB carries its call's operator and lies in the partition
# of the same number as its call.
colocated () {
  n=$(pg "$1" -c "SELECT count (*) FROM ratings r LEFT JOIN calls c ON c.id = r.call_id
                  WHERE c.id IS NULL OR r.operator <> c.operator
                  OR substring (r.tableoid::regclass::text FROM '_p[0-9]+\$')
                     <> substring (c.tableoid::regclass::text FROM '_p[0-9]+\$')")
  [ "$n" = 0 ] || failed "$2: $n ratings not with their call's operator and partition number"
}

# --- a new database, the samples' night ---
samples_tree "$work/night" "$night_db"
"$RATER" --db "$night_db" nightly --config "$work/night/nightly.conf" > "$work/night.out" 2>&1
rc=$?
[ $rc -le 1 ] || { failed "the samples' night exited $rc"; cat "$work/night.out"; }
check_layout "$night_db" night
[ "$(pg "$night_db" -c "SELECT count (*) FROM ratings")" -gt 100 ] || failed "night: too few ratings"
[ "$(pg "$night_db" -c "SELECT count (*) FROM ratings")" = "$(pg "$night_db" -c "SELECT count (*) FROM calls")" ] \
  || failed "night: not every call rated"
colocated "$night_db" night
for t in agg_day agg_number agg_destination; do
  [ "$(spread "$night_db" $t)" -ge 3 ] || failed "night: $t in $(spread "$night_db" $t) partition(s)"
done
# each row in the partition its key hashes to (the same test PostgreSQL's
# partition constraint makes, from the parent: nothing put there by hand)
for tk in calls:operator ratings:operator agg_kpi:operator agg_day:account; do
  t=${tk%%:*} k=${tk#*:}
  n=$(pg "$night_db" -c "SELECT count (*) FROM $t x WHERE NOT satisfies_hash_partition ('$t'::regclass, 16,
                         substring (x.tableoid::regclass::text FROM '_p([0-9]+)\$')::int, x.$k)")
  [ "$n" = 0 ] || failed "night: $n rows of $t outside the partition of their $k"
done

# --- a database of schema version 17, upgraded ---
for f in "$top_srcdir"/schemas/pg/016-*.sql "$top_srcdir"/schemas/pg/017-*.sql; do
  v=$(basename "$f" | cut -c1-3 | sed 's/^0*//')
  { cat "$f"; echo "UPDATE rater_meta SET value = $v WHERE name = 'schema_version';"; } \
    | pg "$old_db" --single-transaction >/dev/null || failed "applying $f"
done
[ "$(pg "$old_db" -c "SELECT value FROM rater_meta WHERE name = 'schema_version'")" = 17 ] \
  || failed "the old database is not at version 17"
[ "$(pg "$old_db" -c "SELECT count (*) FROM pg_partitioned_table")" = 0 ] || failed "v17 has partitions"
pg "$old_db" >/dev/null <<'EOF'
INSERT INTO calls (operator, call_key, file_id, line, direction, caller, callee, masked, start_ms,
                   duration, answered, account, leg_rank, leg_key)
  SELECT 'op' || lpad ((n % 12)::text, 2, '0'), 'k' || n, 1, n, CASE WHEN n % 3 = 0 THEN 'in' ELSE 'out' END,
         '4416' || n, '4420' || n, 0, 1790000000000 + n * 60000, n, (n % 5 <> 0)::int,
         'acc' || (n % 20), 0, CASE WHEN n % 7 = 0 THEN 'leg' || n END
  FROM generate_series (1, 240) n;
-- the highest id deleted: the identity never gives it again
DELETE FROM calls WHERE id = 240;
INSERT INTO ratings (call_id, status, reason, account, period, grp, destination, billable, covered,
                     charge, late, invoice)
  SELECT id, CASE WHEN answered = 1 THEN 'rated' ELSE 'unanswered' END, NULL, account, '2026-09',
         'G' || (id % 4), 'D' || (id % 9), duration, 0, duration * 1000, 0, NULL
  FROM calls WHERE id % 10 <> 3;
INSERT INTO agg_day SELECT '2026-09', 'acc' || a, d, a + d, 60, 60, 1000 * a
  FROM generate_series (0, 19) a, generate_series (20700, 20710) d;
INSERT INTO agg_number SELECT '2026-09', 'acc' || a, '4416' || a, 1, 60, 60, 1000
  FROM generate_series (0, 19) a;
INSERT INTO agg_destination SELECT '2026-09', 'acc' || a, 'out', 'G', 'D' || a, 1, 60, 60, 1000, 6
  FROM generate_series (0, 19) a;
INSERT INTO agg_kpi SELECT '2026-09', 'op' || lpad (o::text, 2, '0'), 20700, 'out', 'G', 3, 2, 60, 1000
  FROM generate_series (0, 11) o;
EOF
dump () {   # dump DB TAG: every row of the moved tables (ratings without operator), ordered
  for t in calls agg_kpi agg_day agg_number agg_destination agg_journal rate_changes; do
    pg "$1" -c "SELECT x::text FROM $t x ORDER BY 1" > "$work/$2.$t"
  done
  pg "$1" -c "SELECT (call_id, status, reason, account, period, band, prefix, destination, grp,
                      billable, covered, charge, late, invoice)::text FROM ratings ORDER BY call_id" \
    > "$work/$2.ratings"
}
dump "$old_db" before
if [ "$(wc -l < "$work/before.calls")" != 239 ] || [ "$(wc -l < "$work/before.ratings")" != 215 ] \
   || [ "$(wc -l < "$work/before.agg_journal")" != 215 ]; then
  failed "the v17 rows were not written"
fi
"$RATER" --db "$old_db" init > "$work/init.out" 2>&1 || { failed "rater init exited $?"; cat "$work/init.out"; }
grep -Eq 'from schema version 17 to (1[89]|[2-9][0-9])$' "$work/init.out" || { failed "no upgrade from 17"; cat "$work/init.out"; }
check_layout "$old_db" upgraded
dump "$old_db" after
for t in calls ratings agg_kpi agg_day agg_number agg_destination agg_journal rate_changes; do
  cmp -s "$work/before.$t" "$work/after.$t" || { failed "$t changed by the upgrade:"; diff "$work/before.$t" "$work/after.$t" | head; }
done
colocated "$old_db" upgraded
for t in calls ratings agg_kpi agg_day; do
  [ "$(spread "$old_db" $t)" -ge 3 ] || failed "upgraded: $t in $(spread "$old_db" $t) partition(s)"
done
[ "$(pg "$old_db" -c "SELECT count (*) FROM pg_class WHERE relname LIKE '%\_v17'")" = 0 ] \
  || failed "the old tables are left behind"
# the identity goes on after 240, the id last given (and deleted)
id=$(pg "$old_db" -c "INSERT INTO calls (operator, call_key, file_id, line, direction, callee, masked,
                        start_ms, duration, answered, leg_rank)
                      VALUES ('op01', 'new', 2, 1, 'out', '1', 0, 1790000000000, 5, 1, 0) RETURNING id")
[ "$id" = 241 ] || failed "the next call's id is $id, not 241"
# the dedup stays exact on the partitioned table
pg "$old_db" -c "INSERT INTO calls (operator, call_key, file_id, line, direction, callee, masked,
                   start_ms, duration, answered, leg_rank)
                 VALUES ('op01', 'new', 3, 1, 'out', '1', 0, 1790000000000, 5, 1, 0)
                 ON CONFLICT (call_key, operator) DO NOTHING" >/dev/null
[ "$(pg "$old_db" -c "SELECT count (*) FROM calls WHERE call_key = 'new'")" = 1 ] || failed "a duplicate call"
# the row triggers journal on the partitioned tables: a changed rating and
# a changed call each give a -1 and a +1 row; the statement triggers count
journal=$(pg "$old_db" -c "SELECT count (*) FROM agg_journal")
changes=$(pg "$old_db" -c "SELECT changes FROM rate_changes")
pg "$old_db" -c "UPDATE ratings SET charge = charge + 1 WHERE call_id = 1;
                 UPDATE calls SET duration = duration + 1 WHERE id = 2" >/dev/null
[ "$(pg "$old_db" -c "SELECT count (*) FROM agg_journal")" = $((journal + 4)) ] \
  || failed "the journal did not follow the updates"
[ "$(pg "$old_db" -c "SELECT changes FROM rate_changes")" = $((changes + 2)) ] \
  || failed "rate_changes did not count the updates"
# a rating must name its call's operator on PostgreSQL
if pg "$old_db" -c "INSERT INTO ratings (call_id, status, period, billable, covered, charge, late)
                    VALUES (241, 'free', '2026-09', 0, 0, 0, 0)" >/dev/null 2>&1; then
  failed "a rating without operator was accepted"
fi

[ "$status" = 0 ] && echo "PASS: calls, ratings and the aggregates hash-partitioned; the night and the upgrade from 17 keep every row"
exit "$status"
