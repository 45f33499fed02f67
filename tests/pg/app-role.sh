#!/bin/sh
# app-role.sh — schemas/pg/rater-app.sql gives the rater_app role what the
# commands need and no more (issue 13): the owner runs `rater init` and the
# script; then, as rater_app, the samples' night runs twice (the second does
# nothing new), November is purged and an invoice credited, without a
# "permission denied"; and rater_app cannot change or delete a billed
# invoice, its lines, a credit note or the schema version, nor create a
# table.
#
# Needs the test cluster's env file in $RATER_TEST_PG_ENV (make check
# starts one); skipped (77) without it.
. "$(dirname "$0")/lib.sh"
owner=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" "app_role_$$") || exit 99
app=$(printf '%s' "$owner" | sed "s|^postgresql://$RATER_TEST_PG_USER@|postgresql://rater_app@|")

export RATER_NOW=2026-12-03T02:00:00Z TZ=UTC LC_ALL=C
fail () { echo "FAIL: $*"; status=1; }

"$RATER" --db "$owner" init || { echo "init as the owner failed"; exit 1; }
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$owner" -f "$top_srcdir/schemas/pg/rater-app.sql" \
  || { echo "rater-app.sql failed"; exit 1; }

samples_tree "$work" "$app"

# as rater_app: the night, then again (nothing new), purge, a credit note
"$RATER" --db "$app" nightly --config "$work/nightly.conf" > "$work/out" 2> "$work/err"
rc=$?
[ $rc -le 1 ] || fail "the night as rater_app exited $rc"
"$RATER" --db "$app" nightly --config "$work/nightly.conf" >> "$work/out" 2>> "$work/err"
rc=$?
[ $rc -le 1 ] || fail "the second night as rater_app exited $rc"
invoice=$("$PSQL" -X -At -d "$app" -c "SELECT invoice FROM invoices ORDER BY invoice LIMIT 1")
[ -n "$invoice" ] || fail "the night issued no invoice"
"$RATER" --db "$app" invoice credit "$invoice" --amount 1.00 --reason "app-role test" \
  --out "$work/credit" --format json >> "$work/out" 2>> "$work/err" || fail "credit as rater_app"
"$RATER" --db "$app" purge --before 2026-12 >> "$work/out" 2>> "$work/err" || fail "purge as rater_app"
if grep -i 'permission denied\|must be owner' "$work/err"; then
  fail "rater_app lacks a privilege a command needs"
fi
calls=$("$PSQL" -X -At -d "$app" -c "SELECT count (*) FROM ratings WHERE period = '2026-11'")
[ "$calls" = 0 ] || fail "purge left $calls November calls"

# and what rater_app must not do
for sql in "DELETE FROM invoices" "UPDATE invoice_lines SET amount = 0" \
           "DELETE FROM credit_notes" "UPDATE closed_periods SET period = period" \
           "UPDATE rater_meta SET value = 999" "CREATE TABLE rater_app_table (x bigint)"; do
  if "$PSQL" -X -q -d "$app" -c "$sql" > "$work/refused" 2>&1; then
    fail "rater_app may run: $sql"
  elif ! grep -q 'permission denied' "$work/refused"; then
    fail "$sql: refused, but not for want of a privilege: $(cat "$work/refused")"
  fi
done

if [ $status != 0 ]; then
  echo "--- stdout"; cat "$work/out"; echo "--- stderr"; tail -20 "$work/err"
  exit 1
fi
echo "rater_app ran the night twice, credited $invoice and purged November; billed records stay out of its reach"
exit 0
