# lib.sh — sourced first by each PostgreSQL test (tests/pg/*.sh): the
# defaults, the skip (77) when there is no test cluster ($RATER_TEST_PG_ENV,
# its env file: make check starts one), the cluster's env, $PSQL, a scratch
# folder $work (removed at exit unless KEEP is set), status=0,
# pg_copy, samples_tree, pg_dump_tables, pg_wait and pg_writing.
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

# pg_dump_tables DATABASE DIR: every table of DATABASE into DIR/NAME (a
# partitioned one whole, not its partitions), its rows ordered, without their
# identities: id left out, call_id, file_id and last_call replaced by the
# call's operator and key and the file's digest.  rate_last (the last rate
# run's figures: how the runs went, not what they left) is left out.
pg_dump_tables () {
  mkdir -p "$2"
  "$PSQL" -X -At -v ON_ERROR_STOP=1 -d "$1" -c "SELECT c.relname,
        string_agg (CASE WHEN a.attname NOT IN ('id', 'call_id', 'file_id', 'last_call')
                    THEN 't.' || quote_ident (a.attname) END, ', ' ORDER BY a.attnum),
        string_agg (CASE WHEN a.attname IN ('call_id', 'file_id', 'last_call')
                    THEN a.attname::text END, ' ')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> 'rate_last' GROUP BY 1 ORDER BY 1" \
    > "$work/dump.columns" || status=1
  while IFS='|' read -r t columns ids; do
    joins=""
    for id in $ids; do
      case $id in
        call_id) columns="$columns, c.operator, c.call_key"
                 joins="$joins LEFT JOIN calls c ON c.id = t.call_id" ;;
        file_id) columns="$columns, f.sha256"
                 joins="$joins LEFT JOIN files f ON f.id = t.file_id" ;;
        last_call) columns="$columns, l.operator, l.call_key"
                   joins="$joins LEFT JOIN calls l ON l.id = t.last_call" ;;
      esac
    done
    printf '\\o %s/%s\nSELECT row (%s)::text AS r FROM %s t%s ORDER BY r;\n' \
      "$2" "$t" "${columns#, }" "$t" "$joins"
  done < "$work/dump.columns" > "$work/dump.sql"
  "$PSQL" -X -At -q -v ON_ERROR_STOP=1 -d "$1" -f "$work/dump.sql" || status=1
}

# pg_wait SQL DATABASE PIDS: until SQL answers t on DATABASE (0), or every
# process of PIDS (a list) has ended (1); 30 s at most.
pg_wait () {
  i=0
  while [ $i -lt 600 ]; do
    alive=""
    for p in $3; do kill -0 "$p" 2>/dev/null && alive=$p; done
    [ -n "$alive" ] || return 1
    [ "$("$PSQL" -X -At -d "$2" -c "$1" 2>/dev/null)" = t ] && return 0
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}

# pg_writing: the SQL (for pg_wait) that a rater process holds the write
# lock of the database asked (store-pg.c's WRITE_LOCK_KEY 0x7261746572,
# taken by store_begin(): one writing transaction at a time).
pg_writing="SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
  WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 114 AND l.objid = 1635018098
    AND a.application_name = 'rater'
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database ()))"

# world_night_tree DIR DB CDRS FORMATS REPORTS: a nightly tree DIR (its
# incoming/ holding a copy of the CDR file CDRS) and DIR/nightly.conf against
# database DB, the generated world's catalog ($work/world/catalog), issuing on
# day 3 in FORMATS (';'-separated) without drafts, writing REPORTS.
world_night_tree () {
  rm -rf "$1" && mkdir -p "$1/incoming"
  cp "$3" "$1/incoming/"
  cat > "$1/nightly.conf" <<EOF
[nightly]
database = $2
catalog = $work/world/catalog
output = $work/$1/output
archive = $work/$1/archive
quarantine = $work/$1/quarantine
lock = $work/$1.lock
issue_day = 3
drafts = false
invoice_formats = $4
reports = $5
[source rater]
dir = $work/$1/incoming
EOF
}
