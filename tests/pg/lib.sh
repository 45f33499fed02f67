# lib.sh — sourced first by each PostgreSQL test (tests/pg/*.sh): the
# defaults, the skip (77) when there is no test cluster ($RATER_TEST_PG_ENV,
# its env file: make check starts one), the cluster's env, $PSQL, a scratch
# folder $work (removed at exit unless KEEP is set), status=0, and
# samples_tree.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RATER:=$top_srcdir/rater/rater}"
if [ -z "${RATER_TEST_PG_ENV:-}" ] || [ ! -r "$RATER_TEST_PG_ENV" ]; then
  echo "no PostgreSQL test cluster (RATER_TEST_PG_ENV): skipping"
  exit 77
fi
# shellcheck disable=SC1090
. "$RATER_TEST_PG_ENV"
PSQL="$RATER_TEST_PG_BINDIR/psql"
[ -x "$PSQL" ] || PSQL=psql
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
status=0

# pg_copy BASE NAME: a new database NAME, a copy of the database whose URI
# is BASE (no other session on it); its URI on stdout.
pg_copy () {
  base_name=$(printf '%s' "$1" | sed 's|^[^/]*//[^/]*/\([^?]*\).*|\1|')
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$1" >&2 <<SQL || return 1
SET client_min_messages = warning;
DROP DATABASE IF EXISTS "$2" WITH (FORCE);
CREATE DATABASE "$2" TEMPLATE "$base_name";
SQL
  printf '%s\n' "$1" | sed "s|/$base_name?|/$2?|"
}

# samples_tree DIR DATABASE makes DIR a scratch copy of the samples' night (samples/run.sh):
# the sample CDRs in DIR/incoming, and DIR/nightly.conf, samples/nightly.conf
# with its database DATABASE (a path or a URI) and its folders in DIR.
samples_tree () {
  mkdir -p "$1/incoming"
  for d in "$top_srcdir"/samples/cdr/*/; do
    cp -R "$d" "$1/incoming/$(basename "$d")"
  done
  database_sed=$(printf '%s' "$2" | sed 's/[&|\\]/\\&/g')
  sed -e "s|= out/rater.db|= $database_sed|" -e "s|= out/|= $1/|" \
      -e "s|= \.\./rates|= $top_srcdir/rates|" "$top_srcdir/samples/nightly.conf" > "$1/nightly.conf"
}
