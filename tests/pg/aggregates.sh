#!/bin/sh
# aggregates.sh — the report aggregates on PostgreSQL, kept by `rater rate`
# in bulk (rate/aggregates.c: a staging table per aggregate, one INSERT ...
# ON CONFLICT DO UPDATE, one DELETE of the rows whose count fell to 0), equal
# what a rebuild from every rating gives; and the ratings' journal triggers
# gated by rater.journal (schemas/pg/019) still journal every write but
# rate's own.
#
# The samples' night, then by hand (psql) the ratings and calls of one
# account deleted (journalled: its groups lose every rating) and one rating
# rewritten (journalled through the gate); `rater rate` adds the journal:
# the account's rows are gone from agg_day, agg_number and agg_destination.
# A copy whose agg_zones is made stale is rated again from scratch (the
# aggregates rebuilt by SQL): both copies' aggregates must be the same.
. "$(dirname "$0")/lib.sh"
uri=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "aggregates_$$") || exit $?
export RATER_NOW=2026-12-03T02:00:00Z TZ=UTC LC_ALL=C
q () { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
fail () { echo "FAIL: $*"; status=1; }

samples_tree "$work/night" "$uri"
"$RATER" -q --db "$uri" nightly --config "$work/night/nightly.conf" > "$work/night.out" 2>&1
st=$?
[ $st -le 1 ] || { echo "the night failed ($st):"; cat "$work/night.out"; exit 1; }

# the account with the fewest rated calls (but some), none of them invoiced
account=$(q "$uri" "SELECT account FROM agg_day WHERE account NOT IN (SELECT account FROM ratings
                    WHERE invoice IS NOT NULL) GROUP BY account ORDER BY sum (calls), account LIMIT 1")
[ -n "$account" ] || { echo "no account without invoices in agg_day after the night"; exit 1; }

# journal on (no rate running): a rating rewritten is journalled, -1 and +1
one=$(q "$uri" "SELECT min (call_id) FROM ratings WHERE status = 'rated' AND invoice IS NULL
                AND account <> '$account'")
q "$uri" "UPDATE ratings SET charge = charge + 1 WHERE call_id = $one"
[ "$(q "$uri" "SELECT count(*) || ' ' || sum (sign) FROM agg_journal")" = "2 0" ] \
  || fail "a rating rewritten by hand is not journalled as -1 and +1: $(q "$uri" "SELECT * FROM agg_journal")"
q "$uri" "UPDATE ratings SET charge = charge - 1 WHERE call_id = $one"
# the gate: with rater.journal off and the journal off, nothing is journalled
q "$uri" "BEGIN; UPDATE agg_control SET journal = 0; SELECT set_config ('rater.journal', 'off', true);
          UPDATE ratings SET charge = charge + 1 WHERE call_id = $one;
          UPDATE ratings SET charge = charge - 1 WHERE call_id = $one;
          UPDATE agg_control SET journal = 1; COMMIT" > /dev/null
[ "$(q "$uri" "SELECT count(*) FROM agg_journal")" = 4 ] \
  || fail "the journal is not as the gate leaves it: $(q "$uri" "SELECT count(*) FROM agg_journal") rows, not 4"

# every call of ACCOUNT gone, its ratings journalled
q "$uri" "DELETE FROM dropped_records WHERE call_id IN (SELECT call_id FROM ratings WHERE account = '$account');
          CREATE TEMP TABLE gone AS SELECT call_id FROM ratings WHERE account = '$account';
          DELETE FROM ratings WHERE call_id IN (SELECT call_id FROM gone);
          DELETE FROM calls WHERE id IN (SELECT call_id FROM gone)"
[ "$(q "$uri" "SELECT count(*) FROM agg_journal WHERE account = '$account' AND sign = -1")" -gt 0 ] \
  || fail "the ratings deleted by hand are not journalled"

"$RATER" -q --db "$uri" rate > "$work/rate.out" 2>&1
st=$?
[ $st -le 1 ] || { echo "rate failed ($st):"; cat "$work/rate.out"; exit 1; }
[ "$(q "$uri" "SELECT count(*) FROM agg_journal")" = 0 ] || fail "rate left the journal"
for t in agg_day agg_number agg_destination; do
  n=$(q "$uri" "SELECT count(*) FROM $t WHERE account = '$account'")
  [ "$n" = 0 ] || fail "$t keeps $n rows of $account, whose every rating was deleted"
done
for t in agg_kpi agg_day agg_number agg_destination; do
  n=$(q "$uri" "SELECT count(*) FROM $t WHERE $( [ $t = agg_kpi ] && echo attempts || echo calls) <= 0")
  [ "$n" = 0 ] || fail "$t has $n rows with a count of 0 or less"
done

# the same aggregates from scratch: a copy with a stale zone, rated again
# (rate_changes bumped: no skip), builds them again from every rating
rebuilt=$(pg_copy "$uri" "aggregates_rebuilt_$$") || exit 99
q "$rebuilt" "UPDATE agg_zones SET timezone = 'Etc/GMT-14' WHERE account = (SELECT min (account) FROM agg_zones);
              UPDATE rate_changes SET changes = changes + 1"
"$RATER" -q --db "$rebuilt" rate > "$work/rebuild.out" 2>&1
st=$?
[ $st -le 1 ] || { echo "the rebuild failed ($st):"; cat "$work/rebuild.out"; exit 1; }
for t in agg_kpi agg_day agg_number agg_destination; do
  sql="SELECT * FROM $t ORDER BY 1, 2, 3, 4, 5"
  q "$uri" "$sql" > "$work/kept.$t"
  q "$rebuilt" "$sql" > "$work/rebuilt.$t"
  [ -s "$work/kept.$t" ] || fail "$t is empty"
  cmp -s "$work/kept.$t" "$work/rebuilt.$t" \
    || { fail "$t kept by rate differs from $t rebuilt:"; diff "$work/kept.$t" "$work/rebuilt.$t" | head -20; }
done

[ $status = 0 ] && echo "the aggregates rate keeps on PostgreSQL equal their rebuild; the gated journal journals every write but rate's"
exit $status
