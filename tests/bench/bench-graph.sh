#!/bin/sh
# bench-graph.sh RATER — `make bench`: Microsoft Graph call records against
# the Teams CSV export of the same calls.
#
# Generates BENCH_GRAPH_ROWS (default 1,000,000) synthetic getPstnCalls rows
# (tests/tools/gen-graph.py synthetic: response pages of 1,000 rows, each
# with its @odata.nextLink, concatenated as a fetch writes them), and the
# same calls as a Teams admin center PSTN export (PSTN.calls.csv, its
# documented columns), then ingests each into a fresh database and prints
# rows/s and rater's peak memory (the JSON is read streaming: its peak must
# stay near the CSV's, not grow with the file).
set -eu
RATER=${1:-$(dirname "$0")/../../rater/rater}
ROWS=${BENCH_GRAPH_ROWS:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/rater-bench-graph-XXXXXX")
trap 'rm -rf "$work"' EXIT

now_ms () { date +%s%3N; }
rate () { echo "$1 $2" | awk '{ printf "%.0f", $1 * 1000 / $2 }'; }
mib () { awk -v b="$1" 'BEGIN { printf "%.0f MiB", b / 1048576 }'; }
has_time=0
[ -x /usr/bin/time ] && has_time=1

echo "generating $ROWS Graph rows and the same calls as a Teams export..."
python3 "$top/tests/tools/gen-graph.py" synthetic "$ROWS" pages > "$work/getPstnCalls.json"
python3 "$top/tests/tools/gen-graph.py" synthetic "$ROWS" lines | python3 -c '
import csv, json, sys
cols = ["UsageId", "Call ID", "Conference ID", "User Location", "AAD ObjectId", "UPN",
        "User Display Name", "Caller ID", "Call Type", "Number Type", "Domestic/International",
        "Destination Dialed", "Destination Number", "Start Time", "End Time", "Duration Seconds",
        "Connection Fee", "Charge", "Currency", "Capability"]
w = csv.writer(sys.stdout, lineterminator="\r\n")
w.writerow(cols)
for line in sys.stdin:
    r = json.loads(line)
    w.writerow([r["id"], r["callId"], r["conferenceId"] or "", r["usageCountryCode"], r["userId"],
                r["userPrincipalName"], r["userDisplayName"], r["callerNumber"], r["callType"],
                r["inventoryType"], r["destinationContext"] or "", r["destinationName"],
                r["calleeNumber"], r["startDateTime"], r["endDateTime"], r["duration"],
                r["connectionCharge"], r["charge"], r["currency"], r["licenseCapability"]])
' > "$work/PSTN.calls.csv"

run () {   # $1: label, $2: file, $3: format
  rm -f "$work/rater.db"*
  "$RATER" --db "$work/rater.db" -q init
  "$RATER" --db "$work/rater.db" -q catalog import "$top/tests/data/spec-catalog"
  t0=$(now_ms)
  if [ $has_time = 1 ]; then
    /usr/bin/time -f "%M" -o "$work/mem" "$RATER" --db "$work/rater.db" -q ingest \
      --operator northwind --country GB --format "$3" "$2"
    mem="$(($(cat "$work/mem") / 1024)) MiB"
  else
    "$RATER" --db "$work/rater.db" -q ingest --operator northwind --country GB --format "$3" "$2"
    mem="n/a"
  fi
  t1=$(now_ms)
  ms=$((t1 - t0))
  count=$(sqlite3 "$work/rater.db" "SELECT count(*) FROM calls")
  printf '%-30s %10s %8d ms %10s rows/s   peak %8s   %s calls\n' "$1" "$(mib "$(wc -c < "$2")")" \
    "$ms" "$(rate "$ROWS" "$ms")" "$mem" "$count"
  [ "$count" = "$ROWS" ]
}

echo
run "graph-pstn (JSON pages)" "$work/getPstnCalls.json" graph-pstn
run "teams-pstn (CSV export)" "$work/PSTN.calls.csv" teams-pstn
