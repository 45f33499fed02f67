#!/bin/sh
# dump.sh DB — the stored calls and rejects as stable CSV, for golden files.
# Without DB and with RATER_DB a PostgreSQL URI (tests/pg/goldens.sh), the
# same CSV from that database through psql.
set -e
db=${1:-rater.db}
case ${1:-${RATER_DB:-}} in
  postgres://*|postgresql://*)
    db=$RATER_DB
    psql -X -q --csv "$db" -c "SELECT c.operator, c.call_key, f.path AS file, c.line, c.direction,
      c.caller, c.callee, c.masked,
      to_char (timestamp 'epoch' + (c.start_ms / 1000) * interval '1 second', 'YYYY-MM-DD\"T\"HH24:MI:SS')
        || '.' || lpad ((c.start_ms % 1000)::text, 3, '0') || 'Z' AS start,
      c.duration, c.answered, c.tenant_id, c.\"user\", c.sip_code, c.account, c.leg_id
      FROM calls c JOIN files f ON f.id = c.file_id ORDER BY c.operator, c.call_key" > calls.csv
    "$RATER" --db "$db" --quiet export rejects --out rejects.csv
    exit 0 ;;
esac
"$SQLITE3" -csv -header "$db" "SELECT c.operator, c.call_key, f.path AS file, c.line, c.direction,
  c.caller, c.callee, c.masked, strftime('%Y-%m-%dT%H:%M:%S', c.start_ms / 1000, 'unixepoch') || printf('.%03dZ', c.start_ms % 1000) AS start,
  c.duration, c.answered, c.tenant_id, c.user, c.sip_code, c.account, c.leg_id
  FROM calls c JOIN files f ON f.id = c.file_id ORDER BY c.operator, c.call_key" > calls.csv
"$RATER" --db "$db" --quiet export rejects --out rejects.csv
