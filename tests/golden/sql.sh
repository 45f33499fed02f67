#!/bin/sh
# sql.sh [-header] DB SQL — what the golden cases ask the database: the
# sqlite3 shell on the file DB; or, when DB is rater.db and RATER_DB names a
# PostgreSQL database (tests/pg/goldens.sh runs the cases so), psql on it,
# printing every statement's rows as sqlite3's list mode does (fields joined
# by '|', NULL as nothing; -header: the column names first).
set -e
header=
[ "${1:-}" = -header ] && { header=1; shift; }
[ $# = 2 ] || { echo "usage: sql.sh [-header] DB SQL (the SQL as an argument)" >&2; exit 99; }
db=$1 sql=$2
case "$db:${RATER_DB:-}" in
  rater.db:postgres://*|rater.db:postgresql://*)
    if [ -n "$header" ]; then
      printf '%s\n' "$sql" | psql -X -q -v ON_ERROR_STOP=1 -A -F '|' -P footer=off -d "$RATER_DB" -f -
    else
      printf '%s\n' "$sql" | psql -X -q -v ON_ERROR_STOP=1 -A -t -F '|' -d "$RATER_DB" -f -
    fi ;;
  *)
    exec "$SQLITE3" ${header:+-header} "$db" "$sql" ;;
esac
