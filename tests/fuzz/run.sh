#!/bin/sh
# run.sh — `make fuzz-run`: run each fuzz target for a bounded time.
#
#   sh run.sh SRCDIR BUILDDIR SECONDS TARGET...
#
# Each target starts from its seed corpus (tests/fuzz/corpus/TARGET, read
# only) and keeps what it finds in BUILDDIR/tests/fuzz/work/TARGET; a crash
# is written to BUILDDIR/tests/fuzz/crash-TARGET-* and stops the run with a
# failure.  It prints, per target, the executions and the coverage reached.
set -eu
srcdir=$1 builddir=$2 seconds=$3
shift 3
status=0
for target in "$@"; do
  work=$builddir/tests/fuzz/work/$target
  mkdir -p "$work"
  log=$builddir/tests/fuzz/fuzz-$target.log
  echo "fuzz-$target: ${seconds}s"
  if ! "$builddir/tests/fuzz/bin/fuzz-$target" -max_total_time="$seconds" -max_len=65536 \
       -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$builddir/tests/fuzz/crash-$target-" \
       "$work" "$srcdir/tests/fuzz/corpus/$target" >"$log" 2>&1; then
    echo "fuzz-$target: FAILED, see $log" >&2
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -n 2 || true
done
exit $status
