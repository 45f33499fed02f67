/* nightly-graph.h — which UTC days a nightly graph source fetches, and the
 * record of the last day it fetched completely (schemas/011-graph-fetches.sql).
 *
 * Each night a type = graph source fetches every day from the day after its
 * last complete one up to yesterday (UTC), so a night whose fetch failed is
 * caught up by the next one.  A new source (no record for its section name,
 * tenant and kind) fetches only yesterday, or from its start_date.  The
 * range never starts before start_date, and holds at most catch_up_days
 * days: of a longer gap only the last ones are fetched and the older ones
 * are "missed", for the nightly to report (with the `rater fetch graph`
 * command that fetches them) and for the operator to fetch by hand.
 *
 * The record is written only after every page of a range was written
 * (nightly_graph_record), one statement, so a failed or killed fetch leaves
 * the previous last day and the next run fetches those days again; the
 * fetcher's names are deterministic, so ingest skips or de-duplicates what
 * it had already read.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "nightly/nightly-config.h"

/* Days are counted from 1970-01-01 (UTC), as graph_parse_day(). */
typedef struct {
  gint64 from_day, to_day;      /* to fetch, inclusive; none when from_day > to_day */
  gint64 missed_from, missed_to;   /* not fetched (over the cap); none when from > to */
} NightlyGraphRange;

/* The days to fetch on the night of TODAY: from the day after *LAST (NULL:
 * no record; then *START, else yesterday), never before *START (NULL: no
 * start_date), up to yesterday; of more than CAP (>= 1) days only the last
 * CAP, the older ones in missed_from..missed_to. */
void nightly_graph_range (const gint64 *last, const gint64 *start, gint64 today, guint cap,
                          NightlyGraphRange *range);

/* Days in FROM..TO (0 when FROM > TO). */
gint64 nightly_graph_days (gint64 from, gint64 to);

/* The last complete day of SOURCE into *LAST; *HAVE FALSE when none is
 * recorded (a new source). */
gboolean nightly_graph_last_day (StoreDb *db, const NightlySource *source, gboolean *have,
                                 gint64 *last, GError **error);

/* Record DAY as SOURCE's last complete day (at NOW_MS, UTC milliseconds). */
gboolean nightly_graph_record (StoreDb *db, const NightlySource *source, gint64 day,
                               gint64 now_ms, GError **error);

/* The shell command that fetches FROM..TO of SOURCE into its directory by
 * hand: "rater fetch graph --tenant ... --out DIR". */
char *nightly_graph_command (const NightlySource *source, gint64 from, gint64 to);
