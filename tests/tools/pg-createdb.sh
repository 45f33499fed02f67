#!/bin/sh
# pg-createdb.sh NAME — a fresh database NAME (lower case; characters other
# than a-z, 0-9 and _ become _) in the test cluster that
# tests/tools/pg-cluster.sh started, whose env file $RATER_TEST_PG_ENV names
# (make check sets it); an existing database NAME is dropped first.  Prints
# the database's URI (postgresql://rater@/NAME?host=SOCKETDIR&port=PORT).
# One database per test:
#   uri=$(sh "$top_srcdir/tests/tools/pg-createdb.sh" my_test) || exit $?
# No cluster (its start skipped: no server binaries): exit 77, so that the
# test skips too; under CI=true, where the cluster must exist, exit 99.
set -eu
[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: $0 NAME" >&2; exit 2; }

if [ -z "${RATER_TEST_PG_ENV:-}" ] || [ ! -f "$RATER_TEST_PG_ENV" ]; then
  echo "pg-createdb: no test cluster (RATER_TEST_PG_ENV='${RATER_TEST_PG_ENV:-}' is not a file):" \
       "see tests/pg/cluster-start.sh.log" >&2
  [ "${CI:-}" = true ] && exit 99
  exit 77
fi
# shellcheck disable=SC1090
. "$RATER_TEST_PG_ENV"

name=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_' '_' | cut -c1-63)
psql="$RATER_TEST_PG_BINDIR/psql"
[ -x "$psql" ] || psql=psql
"$psql" -X -q -v ON_ERROR_STOP=1 -h "$RATER_TEST_PG_HOST" -p "$RATER_TEST_PG_PORT" \
  -U "$RATER_TEST_PG_USER" -d postgres >&2 <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS "$name" WITH (FORCE);
CREATE DATABASE "$name" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
SQL
echo "$RATER_TEST_PG" | sed "s|^postgresql://rater@/postgres?|postgresql://rater@/$name?|"
