/* aggregates.h — the sums reports read instead of the calls (schemas/010),
 * kept by rating.
 *
 * Four tables of exact integer sums over the ratings joined with their
 * calls, keyed by period and then in the order of a report's rows:
 * agg_kpi (operator, local day, direction, group), agg_day (account, local
 * day), agg_number (account, own number) and agg_destination (account,
 * direction, group, destination); schemas/010-aggregates.sql says what each
 * column sums (and 014 agg_destination's covered, which invoices read).  The local day is in the zone agg_zones records for the
 * account (UTC without one).
 *
 * `rater rate` keeps them in its own transaction: for every rating it
 * writes it calls aggregates_add() with -1 for the rating it replaces and +1
 * for the new one; the sums wait in memory (at most AGGREGATES_PENDING_MAX
 * groups) and aggregates_flush() adds them to the tables.  Every other
 * change to ratings and rated calls (files withdraw, a better leg, rate
 * --period's deletes, sqlite3 by hand) is journalled by triggers in
 * agg_journal (schemas/010); rate adds the journal to the aggregates when it
 * begins and ends, and turns the journal off for its own writes
 * (agg_control, inside its transaction; on PostgreSQL also the setting
 * rater.journal, which the triggers ask first: schemas/pg/019).
 *
 * The aggregates are "current" while the journal is empty and every
 * account agg_zones records is in the catalog in that zone (or out of it
 * and recorded as UTC).  Otherwise reports read the calls; and when a
 * catalog import moved or dropped an account, the next rate builds the
 * aggregates again from every rating (aggregates_rebuild) instead of adding
 * to them.
 */
#pragma once

#include <glib.h>

#include "base/store.h"

/* Rating statuses, as rate.c numbers them (ratings.status). */
enum { AGG_RATED, AGG_FREE, AGG_UNANSWERED, AGG_UNRATED };

/* One rating with the facts of its call that the aggregates are keyed by
 * and sum.  Borrowed strings. */
typedef struct {
  const char *account;          /* NULL: none */
  const char *operator_slug;
  const char *number;           /* the account's own number (caller of out, callee of in); NULL: withheld */
  const char *grp, *destination; /* NULL: none */
  gint64 start_ms;              /* UTC */
  gint64 duration, billable, charge;
  gint64 covered;               /* seconds drawn from the bundle (agg_destination, schemas/014) */
  gint32 period;                /* YYYYMM */
  guint8 out;                   /* direction: 1 out, 0 in */
  guint8 status;                /* AGG_RATED .. AGG_UNRATED */
} AggRating;

#define AGGREGATES_PENDING_MAX 1000000

typedef struct Aggregates Aggregates;

/* Start keeping the aggregates of DB, inside the caller's transaction
 * (journal off): if the zones are current, the catalog's accounts not yet
 * in agg_zones are added with their zones and the journal is added; if not,
 * the aggregates are rebuilt from scratch by aggregates_finish() and
 * aggregates_add() does nothing. */
Aggregates *aggregates_begin (StoreDb *db, GError **error);

/* Add SIGN (1 or -1) times R to the pending sums. */
void aggregates_add (Aggregates *agg, const AggRating *r, int sign);

/* A copy of R kept until aggregates_free() (its strings too), for a rating
 * whose final figures are known later (bundles): the handle for
 * aggregates_kept(). */
guint aggregates_keep (Aggregates *agg, const AggRating *r);
const AggRating *aggregates_kept (Aggregates *agg, guint handle);

/* Write the pending sums to the tables when there are more than
 * AGGREGATES_PENDING_MAX groups (ALL: whatever their number); the
 * environment's RATER_AGGREGATES_PENDING_MAX, when set, instead (the tests
 * flush every few groups). */
gboolean aggregates_flush (Aggregates *agg, gboolean all, GError **error);

/* Whether aggregates_flush (AGG, FALSE, ...) would write anything: it
 * alone touches the database. */
gboolean aggregates_flush_due (const Aggregates *agg);

/* Add the journal and flush everything, or rebuild when aggregates_begin()
 * found the zones stale; the journal on again. */
gboolean aggregates_finish (Aggregates *agg, GError **error);

void aggregates_free (Aggregates *agg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Aggregates, aggregates_free)

/* Build every aggregate again from the stored ratings (agg_zones from the
 * catalog), inside the caller's transaction; the aggregates of the periods
 * `rater purge` purged (purged_periods, bill/purge.h) stay as they are. */
gboolean aggregates_rebuild (StoreDb *db, GError **error);

/* Whether the aggregates of DB match its catalog's zones (see above). */
gboolean aggregates_current (StoreDb *db, gboolean *current, GError **error);
