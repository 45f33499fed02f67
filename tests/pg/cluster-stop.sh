#!/bin/sh
# cluster-stop.sh — make check's last PostgreSQL test: stops the cluster
# cluster-start.sh started and removes its folder.  Its log depends on every
# PG test's log, which the test harness writes whether the test passed or
# failed, so the cluster is stopped either way.  Skipped (77) when no
# cluster was started.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RATER_TEST_PG_ENV:?RATER_TEST_PG_ENV (set by make check) names the cluster's env file}"
dir=$(dirname "$RATER_TEST_PG_ENV")
if [ ! -f "$RATER_TEST_PG_ENV" ]; then
  echo "no cluster to stop in $dir"
  sh "$top_srcdir/tests/tools/pg-cluster.sh" stop "$dir"
  exit 77
fi
exec sh "$top_srcdir/tests/tools/pg-cluster.sh" stop "$dir"
