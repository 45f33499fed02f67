#!/bin/sh
# pg-cluster.sh start DIR | stop DIR | halt DIR MODE | resume DIR — a throwaway PostgreSQL cluster for the
# tests (issue 13): initdb in DIR/data (trust authentication, user "rater",
# UTF-8, locale C), the server listening only on a Unix socket in DIR (no TCP
# at all), durability off for speed (fsync, synchronous_commit,
# full_page_writes); `start` waits until it accepts connections and writes
# DIR/env, a file to source:
#   RATER_TEST_PG_HOST  the socket directory      RATER_TEST_PG_USER  rater
#   RATER_TEST_PG_PORT  the port (socket name)    RATER_TEST_PG_BINDIR  psql's
#   RATER_TEST_PG       postgresql://rater@/postgres?host=DIR&port=PORT
# `stop` stops the server (immediate shutdown) and removes DIR.  `halt`
# stops the server of a started DIR in pg_ctl's MODE (fast or immediate)
# and keeps the cluster; `resume` starts it again and waits until it
# accepts connections (the fault tests: a server going away mid-run).
#
# The server binaries: $PG_BINDIR, else the highest /usr/lib/postgresql/V/bin
# (Debian; `pg_config --bindir` may name the client's), else pg_config's,
# else initdb on PATH.  None: exit 77 (the tests skip), except under CI=true,
# where they must exist (exit 1).  initdb refuses to run as root: as root the
# server runs as "postgres" (the Debian package's user; else "nobody"), DIR
# owned by it, mode 0755, so that root's clients reach the socket.
set -eu

usage () { echo "usage: $0 start|stop|resume DIR, $0 halt DIR fast|immediate" >&2; exit 2; }
[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$1" = halt ]; } || usage
action=$1
mode=${3:-}
case $2 in /*) dir=$2 ;; *) dir=$(pwd)/$2 ;; esac

say () { echo "pg-cluster: $*" >&2; }

has_server () { [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]; }

find_bindir () {
  if [ -n "${PG_BINDIR:-}" ]; then
    has_server "$PG_BINDIR" && { echo "$PG_BINDIR"; return 0; }
    say "PG_BINDIR=$PG_BINDIR has no initdb, pg_ctl and postgres"
    return 1
  fi
  best=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1)
  if [ -n "$best" ] && has_server "$best"; then echo "$best"; return 0; fi
  b=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$b" ] && has_server "$b"; then echo "$b"; return 0; fi
  b=$(command -v initdb 2>/dev/null || true)
  if [ -n "$b" ] && has_server "$(dirname "$b")"; then dirname "$b"; return 0; fi
  return 1
}

# Run "$@" as the cluster's owner: directly, or as $owner when root.
as_owner () {
  if [ -z "$owner" ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$owner" -- "$@"
  else
    setpriv --reuid="$owner" --regid="$(id -g "$owner")" --init-groups -- "$@"
  fi
}

# $1 with the characters a URI query value cannot hold percent-encoded.
uri_encode () {
  printf '%s' "$1" | od -An -v -tx1 | tr -s ' \n' '  ' | {
    read -r bytes || true
    out=""
    for h in $bytes; do
      case $h in
        2[dfe]|3[0-9]|4[1-9a-f]|5[0-9a]|5f|6[1-9a-f]|7[0-9a]) out="$out$(printf "\\$(printf '%03o' "0x$h")")" ;;
        *) out="$out%$h" ;;
      esac
    done
    printf '%s' "$out"
  }
}

# A port whose socket name no other server uses in $1 or /tmp (the lock
# file of a socket is named after the port, so clusters must not share one).
pick_port () {
  seed=$(printf '%s' "$dir$$" | cksum | cut -d' ' -f1)
  i=0
  while [ $i -lt 200 ]; do
    p=$((40000 + (seed + i * 7919) % 20000))
    if [ ! -e "$1/.s.PGSQL.$p" ] && [ ! -e "/tmp/.s.PGSQL.$p" ] \
       && [ ! -e "$1/.s.PGSQL.$p.lock" ] && [ ! -e "/tmp/.s.PGSQL.$p.lock" ]; then
      echo "$p"; return 0
    fi
    i=$((i + 1))
  done
  echo 5432
}

# Stop whatever server DIR holds (a left-over one included) and remove DIR.
stop_cluster () {
  if [ -f "$dir/env" ]; then
    # shellcheck disable=SC1091
    . "$dir/env"
  fi
  bindir=${RATER_TEST_PG_BINDIR:-}
  [ -n "$bindir" ] || bindir=$(find_bindir 2>/dev/null || true)
  owner=""
  data=$(readlink -f "$dir/data" 2>/dev/null || echo "$dir/data")
  if [ -f "$data/postmaster.pid" ]; then
    [ "$(id -u)" = 0 ] && owner=$(stat -c %U "$data")
    [ "$owner" = root ] && owner=""
    if [ -z "$bindir" ] \
       || ! as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1; then
      # pg_ctl cannot: the postmaster of postmaster.pid, if it still runs, is told to quit
      pid=$(head -n 1 "$data/postmaster.pid")
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        say "pg_ctl stop failed; sending SIGQUIT to the postmaster ($pid)"
        kill -QUIT "$pid" || true
        sleep 1
      fi
    fi
  fi
  sockdir=${RATER_TEST_PG_HOST:-}
  if [ -n "$sockdir" ] && [ "$sockdir" != "$dir" ]; then rm -rf "$sockdir"; fi
  rm -rf "$dir"
}

start_cluster () {
  if [ -e "$dir/data" ] || [ -L "$dir/data" ] || [ -f "$dir/env" ]; then stop_cluster; fi
  if ! bindir=$(find_bindir); then
    if [ "${CI:-}" = true ]; then
      say "no PostgreSQL server binaries (initdb, pg_ctl, postgres); CI must have them: apt-get install postgresql"
      exit 1
    fi
    say "SKIP: no PostgreSQL server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin,"
    say "pg_config --bindir or PATH (Debian: apt-get install postgresql; or set PG_BINDIR)"
    exit 77
  fi
  mkdir -p "$dir"
  owner=""
  if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id "$owner" >/dev/null 2>&1 || owner=nobody
    chown "$owner" "$dir"
    chmod 0755 "$dir"
  fi

  # The socket lives in DIR unless its path would be too long for a Unix
  # socket (108 bytes), or (as root) DIR's parents are closed to the owner.
  sockdir=$dir
  if [ ${#dir} -gt 80 ] || ! as_owner test -w "$dir" -a -x "$dir" 2>/dev/null; then
    sockdir=$(mktemp -d /tmp/rater-pg.XXXXXX)
    [ -z "$owner" ] || chown "$owner" "$sockdir"
    chmod 0755 "$sockdir"
  fi
  datadir=$dir/data
  if ! as_owner test -w "$dir" 2>/dev/null; then
    datadir=$sockdir/data     # DIR's parents are closed to the owner
  fi
  port=$(pick_port "$sockdir")

  # from here on a failure leaves nothing running
  trap 'stop_on_failure' EXIT
  log=$sockdir/server.log
  # shellcheck disable=SC2016
  (cd "$sockdir" && as_owner "$bindir/initdb" -D "$datadir" --auth=trust -U rater \
     --encoding=UTF8 --locale=C --no-instructions >"$sockdir/initdb.log" 2>&1) || {
    say "initdb failed:"; cat "$sockdir/initdb.log" >&2; exit 1; }
  cat >>"$datadir/postgresql.conf" <<EOF

# pg-cluster.sh: a throwaway test cluster, Unix socket only, no durability
listen_addresses = ''
unix_socket_directories = '$sockdir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
  if [ "$datadir" != "$dir/data" ]; then ln -s "$datadir" "$dir/data"; fi
  (cd "$sockdir" && as_owner "$bindir/pg_ctl" -D "$datadir" -l "$log" -w -t 60 start >/dev/null) || {
    say "pg_ctl start failed:"; cat "$log" >&2 2>/dev/null || true; exit 1; }

  i=0
  until "$bindir/psql" -X -q -h "$sockdir" -p "$port" -U rater -d postgres -c 'SELECT 1' \
          >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -ge 60 ]; then say "the server does not accept connections:"; cat "$log" >&2; exit 1; fi
    sleep 0.5
  done

  uri="postgresql://rater@/postgres?host=$(uri_encode "$sockdir")&port=$port"
  cat >"$dir/env" <<EOF
# written by tests/tools/pg-cluster.sh start; removed by pg-cluster.sh stop
RATER_TEST_PG_HOST='$sockdir'
RATER_TEST_PG_PORT=$port
RATER_TEST_PG_USER=rater
RATER_TEST_PG='$uri'
RATER_TEST_PG_BINDIR='$bindir'
export RATER_TEST_PG_HOST RATER_TEST_PG_PORT RATER_TEST_PG_USER RATER_TEST_PG RATER_TEST_PG_BINDIR
EOF
  trap - EXIT
  say "$("$bindir/postgres" --version | sed 's/^postgres (PostgreSQL) \([^ ]*\).*/PostgreSQL \1/') at $uri"
}

stop_on_failure () {
  rc=$?
  trap - EXIT
  if [ -f "$datadir/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ "$sockdir" = "$dir" ] || rm -rf "$sockdir"
  rm -rf "$dir"
  exit $rc
}

# The server of the started cluster in DIR: bindir, data, owner and
# sockdir (from DIR/env), for halt and resume.
started_cluster () {
  [ -f "$dir/env" ] || { say "no started cluster in $dir"; exit 1; }
  # shellcheck disable=SC1091
  . "$dir/env"
  bindir=$RATER_TEST_PG_BINDIR
  sockdir=$RATER_TEST_PG_HOST
  data=$(readlink -f "$dir/data")
  owner=""
  [ "$(id -u)" = 0 ] && owner=$(stat -c %U "$data")
  [ "$owner" != root ] || owner=""
}

halt_server () {
  case $mode in fast|immediate) ;; *) usage ;; esac
  started_cluster
  (cd "$sockdir" && as_owner "$bindir/pg_ctl" -D "$data" -m "$mode" -w -t 60 stop >/dev/null)
}

resume_server () {
  started_cluster
  (cd "$sockdir" && as_owner "$bindir/pg_ctl" -D "$data" -l "$sockdir/server.log" -w -t 60 start \
     >/dev/null) || { say "pg_ctl start failed:"; tail -n 20 "$sockdir/server.log" >&2; exit 1; }
}

case $action in
  start) start_cluster ;;
  stop) stop_cluster ;;
  halt) halt_server ;;
  resume) resume_server ;;
  *) usage ;;
esac
