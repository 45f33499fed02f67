#!/bin/sh
# cluster-start.sh — make check's first PostgreSQL test: starts the
# throwaway cluster the PG tests (Makefile.am pg_tests) share, in the
# folder of $RATER_TEST_PG_ENV (tests/pg/cluster in the build tree; one
# left over by an interrupted run is stopped and removed first).  Each PG
# test's log depends on this one's, and cluster-stop.sh's on theirs.
# Skipped (77) without server binaries, except under CI=true (a failure).
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RATER_TEST_PG_ENV:?RATER_TEST_PG_ENV (set by make check) names the cluster's env file}"
dir=$(dirname "$RATER_TEST_PG_ENV")
sh "$top_srcdir/tests/tools/pg-cluster.sh" stop "$dir"
exec sh "$top_srcdir/tests/tools/pg-cluster.sh" start "$dir"
